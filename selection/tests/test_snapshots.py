"""Official records are snapshots (issue #14): the facts frozen at submission, 档案已变更 for staff, a snapshot
corrected by hand only by staff with a reason, the appointment kind from the snapshot's level, issued documents
that never change (a correction is the next version with a reason), and notices refused before their stage."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.urls import reverse

from cadre.models import Cadre
from core.exceptions import ApplicationError
from core.models import AuditEvent
from documents import services as D
from documents.models import DocumentKind, GeneratedDocument
from selection import notices, rules, snapshots
from selection import services as S
from selection.models import Application, Campaign
from selection.tests import factories as F
from selection.workflow import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return F.staff()


@pytest.fixture
def leader():
    return F.leader()


# ------------------------------------------------------------------ the appointment kind (pure)

LEVELS = ["正科级", "副科级", ""]
RANKS = ["一级主任科员", "四级主任科员", "一级科员", "科员", ""]


@given(st.sampled_from(LEVELS), st.sampled_from(RANKS), st.sampled_from(["正科级", "副科级"]))
def test_appointment_kind_follows_the_levels(held, rank, new):
    kind = rules.appointment_kind(held, rank, new)
    grade = {"正科级": 2, "副科级": 1}
    if held:
        assert kind == ("新提任" if grade[new] > grade[held] else "平职交流" if grade[new] == grade[held] else "降职")
    else:
        assert kind in ("新提任", "转任")
        assert (kind == "转任") == (rank in ("一级主任科员",) or rank == "四级主任科员" and new == "副科级")


def test_appointment_kind_examples():
    assert rules.appointment_kind("正科级", "正科级", "副科级") == "降职"  # the 局长 moved to a 副科 post
    assert rules.appointment_kind("副科级", "副科级", "副科级") == "平职交流"
    assert rules.appointment_kind("副科级", "副科级", "正科级") == "新提任"
    assert rules.appointment_kind("", "四级主任科员", "副科级") == "转任"
    assert rules.appointment_kind("", "一级科员", "副科级") == "新提任"


# ------------------------------------------------------------------ freezing at submission


def test_submission_freezes_the_facts_and_the_record_change_shows_as_changed(staff, django_assert_num_queries):
    c = F.campaign(Stage.REGISTRATION, registration_start=dt.date(2026, 7, 1), registration_end=dt.date(2099, 7, 10))
    cp = F.posts_of(c)[0]
    u, cadre = F.candidate(name="周一")
    app = S.application_save(actor=u, campaign_post=cp, submit=True, today=dt.date(2026, 7, 2),
                             data={"achievements": "业绩", "declaration": True})
    snap = app.snapshot
    assert snap["name"] == "周一" and snap["post"] == cadre.position_title and snap["birth_month"] == "1990.05"
    assert snap["eligibility"]["result"] == app.suggestion and app.snapshot_at is not None
    assert snapshots.changes([app]) == {}
    # the live record changes after submission: the campaign still shows the frozen facts, staff see the change
    Cadre.objects.filter(pk=cadre.pk).update(position_title="副主任", name="周一一")
    app.refresh_from_db()
    assert app.snapshot["post"] == cadre.position_title
    others = list(Application.objects.filter(pk__in=[F.application(cp).pk for _ in range(3)]))
    with django_assert_num_queries(3):  # cadres, educations, open holdings: whatever the number of applications
        found = snapshots.changes([app, *others])
    assert list(found) == [app.pk]
    assert {(x["label"], x["now"]) for x in found[app.pk]} >= {("姓名", "周一一"), ("现任职务", "副主任")}
    assert "现任职务" in snapshots.changes_text(found[app.pk])


def test_snapshot_correction_is_staff_only_with_a_reason_and_audited(staff, leader):
    c = F.campaign(Stage.REVIEW)
    app = F.application(F.posts_of(c)[0])
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.application_snapshot_correct(actor=leader, application=app, field="post", value="副主任", reason="录入错误")
    with pytest.raises(ApplicationError, match="须填写理由"):
        S.application_snapshot_correct(actor=staff, application=app, field="post", value="副主任", reason=" ")
    with pytest.raises(ApplicationError, match="只能更正"):
        S.application_snapshot_correct(actor=staff, application=app, field="eligibility", value="x", reason="r")
    with pytest.raises(ApplicationError, match="出生年月"):
        S.application_snapshot_correct(actor=staff, application=app, field="birth_month", value="五月", reason="r")
    app = S.application_snapshot_correct(actor=staff, application=app, field="post", value="综合科科长",
                                         reason="报名时职务录入有误，经核对任职文件更正")
    assert app.snapshot["post"] == "综合科科长" and app.snapshot["current_job"].endswith("综合科科长")
    assert app.snapshot["corrections"][0]["reason"].startswith("报名时职务")
    event = AuditEvent.objects.get(action="selection.application.snapshot_correct", object_id=str(app.pk))
    assert event.data["new"] == {"post": "综合科科长"} and "录入有误" in event.data["reason"]
    # the notices read the corrected snapshot, not the record
    Application.objects.filter(pk=app.pk).update(review_decision="通过", reviewed_at=dt.datetime(2026, 7, 12, tzinfo=dt.UTC))
    Campaign.objects.filter(pk=c.pk).update(review_approved_at=dt.datetime(2026, 7, 14, 2, tzinfo=dt.UTC))
    c.refresh_from_db()
    person = notices.qualification_data(c).groups[0].people[0]
    assert person.current_post.endswith("综合科科长")


# ------------------------------------------------------------------ issued documents are records


def _list_notice(c, name):
    data = notices.qualification_data(c)
    data.groups[0].people[0].name = name
    return data


def test_issued_document_never_changes_and_a_correction_needs_a_reason(staff):
    c = F.campaign(Stage.REVIEW, review_approved_at=dt.datetime(2026, 7, 14, 2, tzinfo=dt.UTC))
    app = F.qualify(F.application(F.posts_of(c)[0]))
    kind = DocumentKind.QUALIFICATION_NOTICE
    first = D.campaign_document_generate(actor=staff, kind=kind, subject_key=c.scope, data=notices.qualification_data(c))
    assert first.document_date == dt.date(2026, 7, 14) and first.issued_at is None  # generated, not yet issued
    # a draft may be regenerated freely: the next version replaces it
    second = D.campaign_document_generate(actor=staff, kind=kind, subject_key=c.scope, data=_list_notice(c, "甲"))
    first.refresh_from_db()
    assert (second.version, first.superseded_by_id) == (2, second.pk)
    # published: from now on a change is a correction
    D.campaign_document_generate(actor=staff, kind=kind, subject_key=c.scope, data=_list_notice(c, "甲"), issue="公布")
    second.refresh_from_db()
    assert second.issued_at and second.issued_how == "公布" and second.status_label == "已印发"
    with pytest.raises(ApplicationError, match="已印发"):
        D.campaign_document_generate(actor=staff, kind=kind, subject_key=c.scope, data=_list_notice(c, "乙"))
    third = D.campaign_document_generate(actor=staff, kind=kind, subject_key=c.scope, data=_list_notice(c, "乙"),
                                         reason="姓名录入错误")
    second.refresh_from_db()
    assert third.version == 3 and third.correction_reason == "姓名录入错误"
    assert second.superseded_by_id == third.pk and second.status_label == "已作废（被第3版替代）"
    assert second.file.name != third.file.name and second.file.storage.exists(second.file.name)  # the old one stays
    # viewing again does not re-render: the same data is the same stored document
    again = D.campaign_document_generate(actor=staff, kind=kind, subject_key=c.scope, data=_list_notice(c, "乙"))
    assert again.pk == third.pk and GeneratedDocument.objects.filter(subject_key=c.scope).count() == 3
    assert app.pk


def test_download_by_another_person_issues_the_document(staff):
    c = F.campaign(Stage.REVIEW, review_approved_at=dt.datetime(2026, 7, 14, 2, tzinfo=dt.UTC))
    F.qualify(F.application(F.posts_of(c)[0]))
    doc = D.campaign_document_generate(actor=staff, kind=DocumentKind.QUALIFICATION_NOTICE, subject_key=c.scope,
                                       data=notices.qualification_data(c))
    D.document_record_download(actor=staff, document=doc)  # its maker: still a draft
    doc.refresh_from_db()
    assert doc.issued_at is None
    D.document_record_download(actor=F.staff(), document=doc)
    doc.refresh_from_db()
    assert doc.issued_how == "他人下载" and doc.issued_at is not None
    assert AuditEvent.objects.filter(action="document.issue", object_id=str(doc.pk)).count() == 1


def test_campaign_document_correct_service(staff, leader):
    c = F.campaign(Stage.REVIEW, review_approved_at=dt.datetime(2026, 7, 14, 2, tzinfo=dt.UTC))
    app = F.qualify(F.application(F.posts_of(c)[0]))
    D.campaign_document_generate(actor=staff, kind=DocumentKind.QUALIFICATION_NOTICE, subject_key=c.scope,
                                 data=notices.qualification_data(c), issue="公布")
    with pytest.raises(ApplicationError, match="更正理由"):
        S.campaign_document_correct(actor=staff, campaign=c, kind=DocumentKind.QUALIFICATION_NOTICE, reason="")
    with pytest.raises(ApplicationError, match="组织部工作人员"):
        S.campaign_document_correct(actor=leader, campaign=c, kind=DocumentKind.QUALIFICATION_NOTICE, reason="x")
    with pytest.raises(ApplicationError, match="没有变化"):
        S.campaign_document_correct(actor=staff, campaign=c, kind=DocumentKind.QUALIFICATION_NOTICE, reason="核对")
    S.application_snapshot_correct(actor=staff, application=app, field="education", value="研究生", reason="学历认定更正")
    doc = S.campaign_document_correct(actor=staff, campaign=c, kind=DocumentKind.QUALIFICATION_NOTICE, reason="学历更正")
    assert doc.version == 2 and doc.correction_reason == "学历更正" and doc.issued_at is not None


# ------------------------------------------------------------------ stage order


@pytest.mark.parametrize("stage, kind, message", [
    (Stage.PLAN_APPROVAL, "post_announcement", "尚未进入“公布职位”阶段"),
    (Stage.REGISTRATION, "qualification_notice", "尚未进入“资格审查”阶段"),
    (Stage.SPEECH, "inspection_notice", "尚未进入“组织考察”阶段"),
    (Stage.DECISION, "pre_appointment_notice", "尚未进入“任前公示”阶段"),
    (Stage.PUBLICITY, "appointment_notice", "尚未进入“任职”阶段"),
    (Stage.APPOINTMENT, "appointment_notice", "尚未办理任职"),
    (Stage.CANCELLED, "qualification_notice", "已终止"),
])
def test_a_notice_before_its_stage_is_refused_in_chinese(stage, kind, message):
    c = F.campaign(stage)
    with pytest.raises(ApplicationError, match=message):
        notices.require_stage(c, kind)


# ------------------------------------------------------------------ the pages


def test_staff_see_the_record_change_and_correct_through_the_page(client, staff, leader):
    c = F.campaign(Stage.REVIEW)
    app = F.application(F.posts_of(c)[0])
    Cadre.objects.filter(pk=app.cadre_id).update(position_title="新职务")
    url = reverse("selection:section", args=[c.pk, "review"])
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "档案已变更" in page and "现为“新职务”" in page and "更正快照" in page
    client.force_login(leader)
    page = client.get(url).content.decode()
    assert "档案已变更" not in page and "更正快照" not in page  # staff only
    response = client.post(reverse("selection:snapshot-correct", args=[c.pk, app.pk]),
                           {"field": "post", "value": "新职务", "reason": "核对"})
    assert response.status_code == 403
    client.force_login(staff)
    response = client.post(reverse("selection:snapshot-correct", args=[c.pk, app.pk]),
                           {"field": "post", "value": "新职务", "reason": ""})
    app.refresh_from_db()
    assert app.snapshot["post"] != "新职务"  # no reason: refused
    client.post(reverse("selection:snapshot-correct", args=[c.pk, app.pk]),
                {"field": "post", "value": "新职务", "reason": "任职文件已于报名前下发"})
    app.refresh_from_db()
    assert app.snapshot["post"] == "新职务"
    page = client.get(url).content.decode()
    assert "档案已变更" not in page and "快照已更正" in page
