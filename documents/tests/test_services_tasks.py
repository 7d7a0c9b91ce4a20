"""Idempotency, versions, content hash, retries and job progress of the document tasks."""
import datetime as dt
from unittest import mock

import pytest

from cadre.models import AnnualAssessment
from core.models import AuditEvent, BackgroundJob
from documents import rendering, services, tasks
from documents.campaign_docs import to_plain
from documents.models import DocumentKind, DocumentSeries, GeneratedDocument
from documents.selectors import APPROVAL_FORM_VOLATILE, approval_form_data, cadre_for_documents
from documents.tests import samples

pytestmark = pytest.mark.django_db


def test_task_run_twice_stores_one_document(full_cadre, staff_user):
    first = tasks.render_approval_forms.delay([full_cadre.pk], actor_id=staff_user.pk).get()
    second = tasks.render_approval_forms.delay([full_cadre.pk], actor_id=staff_user.pk).get()
    assert first == second
    assert GeneratedDocument.objects.count() == 1
    doc = GeneratedDocument.objects.get()
    assert (doc.version, doc.cadre_id, doc.created_by, doc.kind) == (1, full_cadre.pk, staff_user, "approval_form")
    assert doc.file.name.endswith(f"{doc.content_hash}.pdf") and doc.size > 1000
    assert AuditEvent.objects.filter(action="document.generate").count() == 1


def test_store_of_same_content_after_a_race_returns_the_first_copy(full_cadre):
    """Two workers rendered the same inputs; the second store finds the first row (no duplicate)."""
    tv = rendering.template_version(services.APPROVAL_TEMPLATE)
    args = dict(actor=None, kind=DocumentKind.APPROVAL_FORM, subject_key=f"cadre:{full_cadre.pk}", digest="a" * 64,
                template_version=tv, title="t", pdf=b"%PDF-1.7 test", page_count=1, cadre_id=full_cadre.pk)
    one, created_one = services.document_store(**args)
    two, created_two = services.document_store(**args)
    assert created_one and not created_two and one.pk == two.pk
    assert GeneratedDocument.objects.count() == 1 and DocumentSeries.objects.get().latest_version == 1


def test_changed_inputs_make_a_new_version(full_cadre):
    v1 = services.approval_form_generate(actor=None, cadre_id=full_cadre.pk)
    AnnualAssessment.objects.filter(cadre=full_cadre, year=2025).update(grade="优秀")
    v2 = services.approval_form_generate(actor=None, cadre_id=full_cadre.pk)
    assert (v1.version, v2.version) == (1, 2)
    assert v1.content_hash != v2.content_hash and v1.file.name != v2.file.name
    # back to the first content → the first document again, not a third version
    AnnualAssessment.objects.filter(cadre=full_cadre, year=2025).update(grade="称职")
    assert services.approval_form_generate(actor=None, cadre_id=full_cadre.pk).pk == v1.pk


def test_content_hash_is_stable_and_ignores_volatile_keys(full_cadre):
    tv = rendering.template_version(services.APPROVAL_TEMPLATE)
    cadre = cadre_for_documents(full_cadre.pk)
    a = approval_form_data(cadre, today=dt.date(2026, 11, 23))
    b = approval_form_data(cadre, today=dt.date(2026, 11, 24))  # same age, other 填表时间
    h = lambda d: services.content_hash("approval_form", d, tv, exclude=APPROVAL_FORM_VOLATILE)  # noqa: E731
    assert h(a) == h(b)
    assert h(a) == h(dict(reversed(list(a.items()))))  # key order does not matter
    assert h({**a, "name": "张晓"}) != h(a)
    assert services.content_hash("approval_form", a, "other-template", exclude=APPROVAL_FORM_VOLATILE) != h(a)
    # a known value pins the canonical form (sorted keys, compact separators, UTF-8)
    assert services.content_hash("k", {"b": 1, "a": "中"}, "v") == services.content_hash("k", {"a": "中", "b": 1}, "v")
    assert len(h(a)) == 64


def test_retry_on_transient_failure(full_cadre, staff_user):
    job = services.job_create(actor=staff_user, kind="documents.approval_form", params={}, total=1)
    real = rendering.render_many
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("磁盘暂时不可写")
        return real(*args, **kwargs)

    with mock.patch("documents.services.rendering.render_many", side_effect=flaky):
        # eager mode runs the retry inline
        result = tasks.render_approval_forms.apply(args=[[full_cadre.pk]], kwargs={"job_id": job.pk}, throw=False)
    assert result.state == "SUCCESS"
    assert calls["n"] == 2
    doc = GeneratedDocument.objects.get()
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE and job.percent == 100 and job.result["document_ids"] == [doc.pk]


def test_job_failed_after_retries_used_up(full_cadre, staff_user):
    job = services.job_create(actor=staff_user, kind="documents.approval_form", params={}, total=1)
    conf = tasks.render_approval_forms.app.conf
    propagates = conf.task_eager_propagates
    conf.task_eager_propagates = False  # let the inline retries run to the end instead of raising Retry
    try:
        with mock.patch("documents.services.rendering.render_many", side_effect=OSError("磁盘已满")) as render:
            result = tasks.render_approval_forms.apply(args=[[full_cadre.pk]], kwargs={"job_id": job.pk})
    finally:
        conf.task_eager_propagates = propagates
    assert result.state == "FAILURE" and isinstance(result.result, OSError)
    assert render.call_count == 1 + tasks.render_approval_forms.max_retries
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED and "已重试3次" in job.message
    assert GeneratedDocument.objects.count() == 0


def test_application_error_is_not_retried_and_fails_the_job(staff_user):
    job = services.job_create(actor=staff_user, kind="documents.approval_form", params={}, total=1)
    with pytest.raises(services.ApplicationError):
        tasks.render_approval_forms.apply(args=[[999999]], kwargs={"job_id": job.pk}).get()
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED and "不存在" in job.message


def test_batch_renders_in_one_pass_and_reports_progress(staff_user):
    from documents.tests.conftest import make_full_cadre

    cadres = [make_full_cadre(name=n, seq=20 + i, with_photo=False) for i, n in enumerate(["甲一", "乙二", "丙三"])]
    job = services.job_create(actor=staff_user, kind="documents.approval_form", params={}, total=3)
    seen = []
    real_progress = services.job_progress

    def spy(job_, *, done, total, message=""):
        seen.append((done, total))
        real_progress(job_, done=done, total=total, message=message)

    with mock.patch("documents.services.job_progress", side_effect=spy), \
            mock.patch("documents.rendering.render_chunk", wraps=rendering.render_chunk) as chunk:
        ids = tasks.render_approval_forms.delay([c.pk for c in cadres], job_id=job.pk).get()
    assert chunk.call_count == 1  # three documents, one WeasyPrint pass
    assert len(ids) == 3 and seen[-1] == (3, 3)
    docs = GeneratedDocument.objects.in_bulk(ids)
    assert [docs[i].cadre.name for i in ids] == ["甲一", "乙二", "丙三"]
    assert all(docs[i].page_count == 2 for i in ids)


def test_campaign_document_task_is_idempotent():
    data = to_plain(samples.pre_appointment())
    one = tasks.render_campaign_document.delay("pre_appointment_notice", "campaign:1:pre", data).get()
    two = tasks.render_campaign_document.delay("pre_appointment_notice", "campaign:1:pre", data).get()
    assert one == two and GeneratedDocument.objects.count() == 1
    doc = GeneratedDocument.objects.get()
    assert doc.title == "任前公示" and doc.cadre is None


def test_template_version_changes_with_the_template(tmp_path, settings):
    a = rendering.template_version("documents/print/pre_appointment_notice.html")
    assert a == rendering.template_version("documents/print/pre_appointment_notice.html")
    assert a != rendering.template_version("documents/print/appointment_notice.html")
