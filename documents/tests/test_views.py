"""Pages: permissions both ways, download, generation with progress page, LRMX upload, bell and mark-as-read."""
import datetime as dt

import pytest
from django.urls import reverse

from cadre.models import RewardPunishment
from core.models import BackgroundJob
from documents import reminders, services
from documents.models import GeneratedDocument, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate_doc(candidate_user):
    return services.approval_form_generate(actor=None, cadre_id=candidate_user.cadre.pk)


def test_staff_downloads_any_document(staff_client, candidate_doc):
    response = staff_client.get(reverse("documents:download", args=[candidate_doc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    candidate_doc.refresh_from_db()
    assert candidate_doc.download_count == 1 and candidate_doc.first_downloaded_at is not None


def test_candidate_downloads_own_but_not_others(client, candidate_user, candidate_doc, full_cadre):
    other = services.approval_form_generate(actor=None, cadre_id=full_cadre.pk)
    client.force_login(candidate_user)
    assert client.get(reverse("documents:download", args=[candidate_doc.pk])).status_code == 200
    assert client.get(reverse("documents:download", args=[other.pk])).status_code == 403
    listing = client.get(reverse("documents:list")).content.decode()
    assert candidate_doc.title in listing and other.title not in listing


@pytest.mark.parametrize("who", ["leader_user", "judge_user", "observer_user"])
def test_other_roles_cannot_download_someone_elses_document(client, request, who, full_cadre):
    doc = services.approval_form_generate(actor=None, cadre_id=full_cadre.pk)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 403


def test_anonymous_redirected_to_login(client, full_cadre):
    doc = services.approval_form_generate(actor=None, cadre_id=full_cadre.pk)
    response = client.get(reverse("documents:download", args=[doc.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_generates_approval_form_and_sees_progress(staff_client, full_cadre, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("documents:approval-form", args=[full_cadre.pk]), {"proposed": "财政局副局长"})
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:job", args=[job.pk])
    assert job.status == "done" and GeneratedDocument.objects.filter(cadre=full_cadre).count() == 1
    page = staff_client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in page and "100%" in page and "查看结果" in page


def test_candidate_cannot_generate_or_export(candidate_client, full_cadre):
    assert candidate_client.post(reverse("documents:approval-form", args=[full_cadre.pk])).status_code == 403
    assert candidate_client.post(reverse("documents:approval-forms-batch"), {"cadre": [full_cadre.pk]}).status_code == 403
    assert candidate_client.get(reverse("documents:lrmx-export", args=[full_cadre.pk])).status_code == 403
    assert candidate_client.get(reverse("documents:lrmx-import")).status_code == 403


def test_batch_generation(staff_client, full_cadre, candidate_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("documents:approval-forms-batch"), {"cadre": [full_cadre.pk, candidate_user.cadre.pk]})
    job = BackgroundJob.objects.get()
    assert job.status == "done" and len(job.result["document_ids"]) == 2


def test_lrmx_export_and_upload(staff_client, full_cadre):
    response = staff_client.get(reverse("documents:lrmx-export", args=[full_cadre.pk]))
    assert response.status_code == 200 and b"<Person>" in response.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("a.lrmx", response.content.replace("浙江湖州".encode(), "浙江安吉".encode()))
    response = staff_client.post(reverse("documents:lrmx-import"), {"file": good})
    assert response.status_code == 302  # to the preview: nothing is written before staff confirm
    full_cadre.refresh_from_db()
    assert full_cadre.native_place == "浙江湖州"
    preview = staff_client.get(response["Location"]).content.decode()
    assert "浙江湖州" in preview and "浙江安吉" in preview
    job = BackgroundJob.objects.get(kind="documents.lrmx_batch")
    assert staff_client.post(reverse("documents:lrmx-batch-confirm", args=[job.pk])).status_code == 302
    full_cadre.refresh_from_db()
    assert full_cadre.native_place == "浙江安吉"
    bad = SimpleUploadedFile("b.lrmx", b"<Person><XingBie>x</XingBie></Person>")
    response = staff_client.post(reverse("documents:lrmx-import"), {"file": bad})
    text = staff_client.get(response["Location"]).content.decode()
    assert "b.lrmx" in text and "XingMing（姓名）" in text and "缺少必填项" in text


def test_bell_and_mark_read(client, staff_user, candidate_user):
    services.notification_create(user=staff_user, source="t", dedup_key="t:1", title="影响期将届满", link="/cadre/")
    services.notification_create(user=candidate_user, source="t", dedup_key="t:2", title="别人的提醒")
    client.force_login(staff_user)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("documents:bell") in page  # the include in the navbar
    bell = client.get(reverse("documents:bell")).content.decode()
    assert 'data-unread="1"' in bell and "影响期将届满" in bell and "别人的提醒" not in bell
    note = Notification.objects.get(user=staff_user)
    other = Notification.objects.get(user=candidate_user)
    response = client.post(reverse("documents:notification-read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/cadre/"
    client.post(reverse("documents:notification-read", args=[other.pk]))  # not theirs: nothing happens
    assert Notification.objects.get(pk=note.pk).is_read and not Notification.objects.get(pk=other.pk).is_read
    assert "data-unread" not in client.get(reverse("documents:bell")).content.decode()


def test_daily_reminders_are_idempotent(staff_user, full_cadre):
    today = dt.date(2026, 11, 23)
    RewardPunishment.objects.create(cadre=full_cadre, kind="党纪处分", name="党内警告", decided_on=dt.date(2025, 12, 10),
                                    effect_start=dt.date(2025, 12, 10), effect_end=dt.date(2026, 12, 9))
    RewardPunishment.objects.create(cadre=full_cadre, kind="党纪处分", name="严重警告", decided_on=dt.date(2025, 1, 10),
                                    effect_start=dt.date(2025, 1, 10), effect_end=dt.date(2027, 1, 9))  # beyond 30 days
    first = reminders.run_reminders(today)
    second = reminders.run_reminders(today)
    assert first["sanction_effect_end"] == 1 and second["sanction_effect_end"] == 0
    note = Notification.objects.get(user=staff_user, source="sanction_effect_end")
    assert "党内警告" in note.title and "2026年12月9日" in note.title and "还有16天" in note.body
    assert reminders.run_reminders(today + dt.timedelta(days=1))["sanction_effect_end"] == 1  # one per day


def test_reminder_for_documents_not_downloaded(staff_user, full_cadre):
    doc = services.approval_form_generate(actor=staff_user, cadre_id=full_cadre.pk)
    today = dt.date.today() + dt.timedelta(days=5)
    assert reminders.run_reminders(today, sources=["document_not_downloaded"]) == {"document_not_downloaded": 1}
    GeneratedDocument.objects.filter(pk=doc.pk).update(first_downloaded_at=dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc))
    assert reminders.run_reminders(today + dt.timedelta(days=1), sources=["document_not_downloaded"]) == {"document_not_downloaded": 0}


def test_reminder_email_only_when_enabled(settings, staff_user, full_cadre):
    from django.core import mail

    staff_user.email = "wang@example.gov.cn"
    staff_user.save()
    RewardPunishment.objects.create(cadre=full_cadre, kind="政务处分", name="警告", decided_on=dt.date(2026, 5, 1),
                                    effect_start=dt.date(2026, 5, 1), effect_end=dt.date(2026, 11, 30))
    reminders.run_reminders(dt.date(2026, 11, 23))
    assert len(mail.outbox) == 0
    settings.DOCUMENTS_REMINDER_EMAIL = True
    reminders.run_reminders(dt.date(2026, 11, 24))
    assert len(mail.outbox) == 1 and "影响期" in mail.outbox[0].subject

