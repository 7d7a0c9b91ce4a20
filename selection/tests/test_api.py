"""Selection API: each endpoint allowed and refused by role, candidate isolation, judges' own scores only,
Chinese 400s from the services, exports, and list query counts that do not grow."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from core import roles
from selection.models import Application, Campaign, JudgeScore, Objection
from selection.tests import factories as f
from selection.workflow import Stage
from tests.xlsx import rows

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/selection"


def client_for(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.fixture
def people():
    judge_user = f.judge()
    cand_a, cadre_a = f.candidate()
    cand_b, cadre_b = f.candidate()
    return {
        "staff": f.staff(), "leader": f.leader(), "observer": f.user(None, roles.OBSERVER), "judge": judge_user,
        "other_judge": f.judge(), "cand_a": cand_a, "cadre_a": cadre_a, "cand_b": cand_b, "cadre_b": cadre_b,
    }


def fresh(user):
    """The same account re-read, so that its cached roles do not hide the roles query."""
    return type(user).objects.get(pk=user.pk)


def _qualified(cp, cadre=None, **extra):
    return f.application(cp, cadre, review_decision="通过", reviewed_at=timezone.now(), **extra)


def _assign(campaign, user):
    return campaign.judges.create(user=user, name=user.first_name or user.username)


# ====================================================================== campaigns


def test_campaign_list_by_role(people):
    visible = f.campaign(Stage.SPEECH)
    f.campaign(Stage.PREPARATION)
    _assign(visible, people["judge"])
    for who in ("staff", "leader", "observer"):
        r = client_for(people[who]).get(f"{API}/campaigns/")
        assert r.status_code == 200 and r.data["count"] == 2, who
    r = client_for(people["judge"]).get(f"{API}/campaigns/")
    assert [c["id"] for c in r.data["results"]] == [visible.pk]
    assert client_for(people["other_judge"]).get(f"{API}/campaigns/").data["count"] == 0
    assert client_for(people["cand_a"]).get(f"{API}/campaigns/").status_code == 403
    assert client_for().get(f"{API}/campaigns/").status_code == 403


def test_campaign_list_filters_and_counts(people):
    c = f.campaign(Stage.REVIEW, title="2026年度财政系统竞争上岗")
    f.campaign(Stage.PREPARATION, title="2026年度乡镇竞争上岗")
    p1, _ = f.posts_of(c)
    _qualified(p1)
    f.application(p1)
    r = client_for(people["staff"]).get(f"{API}/campaigns/", {"stage": "review"})
    assert [x["id"] for x in r.data["results"]] == [c.pk]
    row = r.data["results"][0]
    assert (row["stage_display"], row["stage_number"], row["post_count"], row["application_count"],
            row["qualified_count"]) == ("资格审查", 5, 2, 2, 1)
    assert client_for(people["staff"]).get(f"{API}/campaigns/", {"q": "乡镇"}).data["count"] == 1


def test_campaign_list_query_count_does_not_grow(people):
    staff = people["staff"]
    f.campaign()
    with CaptureQueriesContext(connection) as few:
        assert client_for(staff).get(f"{API}/campaigns/").status_code == 200
    for _ in range(5):
        f.campaign()
    again = client_for(fresh(staff))
    with CaptureQueriesContext(connection) as many:
        assert again.get(f"{API}/campaigns/").data["count"] == 6
    assert len(many) == len(few) == 3  # the user's groups, the page count, the page with counts as subqueries


def test_campaign_retrieve_visibility(people):
    c = f.campaign(Stage.SPEECH)
    _assign(c, people["judge"])
    url = f"{API}/campaigns/{c.pk}/"
    for who in ("staff", "leader", "observer", "judge"):
        assert client_for(people[who]).get(url).status_code == 200, who
    assert client_for(people["other_judge"]).get(url).status_code == 404
    assert client_for(people["cand_a"]).get(url).status_code == 404
    data = client_for(people["staff"]).get(url).data
    assert data["stage_display"] == "演讲" and len(data["posts"]) == 2 and len(data["members"]) == 2
    assert {a["action"] for a in data["available_actions"]} == {"close_speech", "withdraw_speech"}
    leader_actions = client_for(people["leader"]).get(url).data["available_actions"]
    assert [a["action"] for a in leader_actions] == ["cancel"]


def test_campaign_create_and_update_staff_only(people):
    body = {"title": "2027年度竞争上岗", "plan_year": 2027, "as_of": "2027-06-30"}
    for who in ("leader", "observer", "judge", "cand_a"):
        assert client_for(people[who]).post(f"{API}/campaigns/", body, format="json").status_code == 403, who
    r = client_for(people["staff"]).post(f"{API}/campaigns/", body, format="json")
    assert r.status_code == 201 and r.data["stage"] == "preparation" and r.data["speech_weight"] == "40.00"
    pk = r.data["id"]
    r = client_for(people["staff"]).patch(f"{API}/campaigns/{pk}/", {"speech_weight": "50"}, format="json")
    assert r.status_code == 400 and "合计应为 100%" in r.data["detail"]
    r = client_for(people["staff"]).patch(f"{API}/campaigns/{pk}/", {"speech_weight": "50", "evaluation_weight": "50"},
                                          format="json")
    assert r.status_code == 200 and r.data["speech_weight"] == "50.00"
    assert client_for(people["leader"]).patch(f"{API}/campaigns/{pk}/", {"title": "x"}, format="json").status_code == 403


# ====================================================================== transitions


def test_transition_roles_both_ways(people):
    c = f.campaign(Stage.PLAN_APPROVAL, plan_document_no="")
    url = f"{API}/campaigns/{c.pk}/transition/"
    r = client_for(people["staff"]).post(url, {"action": "approve_plan", "document_no": "青开组〔2026〕9号"}, format="json")
    assert r.status_code == 403 and "领导小组成员" in r.data["detail"]
    assert client_for(people["observer"]).post(url, {"action": "approve_plan"}, format="json").status_code == 403
    assert client_for(people["cand_a"]).post(url, {"action": "approve_plan"}, format="json").status_code == 404
    r = client_for(people["leader"]).post(url, {"action": "approve_plan"}, format="json")
    assert r.status_code == 400 and r.data["field"] == "document_no"
    r = client_for(people["leader"]).post(url, {"action": "approve_plan", "document_no": "青开组〔2026〕9号"}, format="json")
    assert r.status_code == 200 and r.data["stage"] == "posting" and r.data["plan_document_no"] == "青开组〔2026〕9号"
    events = client_for(people["observer"]).get(f"{API}/campaigns/{c.pk}/events/").data
    assert [(e["label"], e["from_stage_display"], e["to_stage_display"]) for e in events] == [
        ("批准方案", "方案报批", "公布职位")
    ]


def test_transition_gate_errors_are_400_with_reasons(people):
    c = f.campaign(Stage.PREPARATION, scope_post_count=0)
    r = client_for(people["staff"]).post(f"{API}/campaigns/{c.pk}/transition/", {"action": "submit_plan"}, format="json")
    assert r.status_code == 400
    assert r.data["detail"].startswith("不能提交方案报批")
    assert "未填写纳入轮岗范围的职位数" in r.data["errors"]
    r = client_for(people["staff"]).post(f"{API}/campaigns/{c.pk}/transition/", {"action": "close_speech"}, format="json")
    assert r.status_code == 400 and "只能在“演讲”阶段执行" in r.data["detail"]
    r = client_for(people["staff"]).post(f"{API}/campaigns/{c.pk}/transition/", {"action": "nonsense"}, format="json")
    assert r.status_code == 400 and "action" in r.data


def test_withdraw_needs_role_and_reason(people):
    c = f.campaign(Stage.PLAN_APPROVAL)
    url = f"{API}/campaigns/{c.pk}/withdraw/"
    assert client_for(people["leader"]).post(url, {"reason": "方案需调整"}, format="json").status_code == 403
    assert client_for(people["staff"]).post(url, {}, format="json").status_code == 400
    r = client_for(people["staff"]).post(url, {"reason": "方案需调整"}, format="json")
    assert r.status_code == 200 and r.data["stage"] == "preparation"
    c.refresh_from_db()
    assert c.events.get().note == "方案需调整" and c.events.get().is_withdrawal


def test_extend_registration_needs_the_new_end(people):
    c = f.campaign(Stage.REVIEW)
    r = client_for(people["staff"]).post(f"{API}/campaigns/{c.pk}/transition/",
                                         {"action": "extend_registration", "note": "差额不足"}, format="json")
    assert r.status_code == 400 and "new_end" in r.data
    r = client_for(people["staff"]).post(f"{API}/campaigns/{c.pk}/withdraw/", {"reason": "差额不足"}, format="json")
    assert r.status_code == 400 and r.data["field"] == "new_end"
    new_end = timezone.localdate() + dt.timedelta(days=5)
    r = client_for(people["staff"]).post(f"{API}/campaigns/{c.pk}/transition/",
                                         {"action": "extend_registration", "note": "差额不足", "new_end": str(new_end)},
                                         format="json")
    assert r.status_code == 200, r.data
    assert r.data["stage"] == "registration" and r.data["registration_end"] == str(new_end)


def test_cancel_by_leader_only(people):
    c = f.campaign(Stage.SPEECH)
    url = f"{API}/campaigns/{c.pk}/transition/"
    assert client_for(people["staff"]).post(url, {"action": "cancel", "note": "停止"}, format="json").status_code == 403
    r = client_for(people["leader"]).post(url, {"action": "cancel"}, format="json")
    assert r.status_code == 400 and "须填写理由" in r.data["detail"]
    r = client_for(people["leader"]).post(url, {"action": "cancel", "note": "机构改革暂停"}, format="json")
    assert r.status_code == 200 and r.data["stage"] == "cancelled" and r.data["cancel_reason"] == "机构改革暂停"


# ====================================================================== plan: posts


def test_posts_add_and_remove_staff_only(people):
    from cadre.tests.factories import PostFactory

    c = f.campaign(Stage.PREPARATION, posts=0)
    post = PostFactory(title="副主任", headcount=2)
    url = f"{API}/campaigns/{c.pk}/posts/"
    body = {"post": post.pk, "vacancies": 2}
    assert client_for(people["leader"]).post(url, body, format="json").status_code == 403
    r = client_for(people["staff"]).post(url, body, format="json")
    assert r.status_code == 201 and r.data["title"] == str(post) and r.data["vacancies"] == 2
    r = client_for(people["staff"]).post(url, {"post": post.pk, "vacancies": 3}, format="json")
    assert r.status_code == 400 and "竞争职数不能超过职数" in r.data["detail"]
    listed = client_for(people["observer"]).get(url).data
    assert [p["id"] for p in listed] == [r_id := listed[0]["id"]] and listed[0]["application_count"] == 0
    assert client_for(people["leader"]).delete(f"{API}/campaign-posts/{r_id}/").status_code == 403
    assert client_for(people["staff"]).delete(f"{API}/campaign-posts/{r_id}/").status_code == 204
    assert not c.posts.exists()


# ====================================================================== a candidate's own applications


@pytest.fixture
def open_campaign():
    today = timezone.localdate()
    return f.campaign(Stage.REGISTRATION, registration_start=today - dt.timedelta(days=1),
                      registration_end=today + dt.timedelta(days=3))


FORM = {"achievements": "牵头完成园区招商项目三项。", "declaration": True, "accept_adjustment": True}


def test_candidate_applies_and_sees_own_only(people, open_campaign):
    p1, p2 = f.posts_of(open_campaign)
    a_client, b_client = client_for(people["cand_a"]), client_for(people["cand_b"])
    r = a_client.post(f"{API}/my-applications/", {"campaign_post": p1.pk, **FORM, "submit": True}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["status"] == "submitted" and r.data["suggestion"] and r.data["eligibility"]
    mine = r.data["id"]
    r = b_client.post(f"{API}/my-applications/", {"campaign_post": p1.pk, "achievements": "草稿"}, format="json")
    assert r.status_code == 201 and r.data["status"] == "draft"
    theirs = r.data["id"]
    # B sees only B's; A's application is not found for B, whatever B tries
    assert [x["id"] for x in b_client.get(f"{API}/my-applications/").data["results"]] == [theirs]
    assert b_client.get(f"{API}/my-applications/{mine}/").status_code == 404
    assert b_client.patch(f"{API}/my-applications/{mine}/", {"achievements": "改"}, format="json").status_code == 404
    assert b_client.post(f"{API}/my-applications/{mine}/withdraw/", {"reason": "不报了"}, format="json").status_code == 404
    assert b_client.post(f"{API}/my-applications/{mine}/submit/", {}, format="json").status_code == 404
    assert b_client.get(f"{API}/applications/{mine}/").status_code == 403
    assert b_client.get(f"{API}/applications/").status_code == 403
    assert Application.objects.get(pk=mine).achievements == FORM["achievements"]
    # B submits B's own draft; A withdraws A's own
    r = b_client.post(f"{API}/my-applications/{theirs}/submit/", {"declaration": True}, format="json")
    assert r.status_code == 200 and r.data["status"] == "submitted" and r.data["achievements"] == "草稿"
    r = a_client.post(f"{API}/my-applications/{mine}/withdraw/", {"reason": "工作安排变动"}, format="json")
    assert r.status_code == 200 and r.data["status"] == "withdrawn"


def test_candidate_submit_errors_are_chinese(people, open_campaign):
    p1, _ = f.posts_of(open_campaign)
    r = client_for(people["cand_a"]).post(f"{API}/my-applications/", {"campaign_post": p1.pk, "submit": True},
                                          format="json")
    assert r.status_code == 400 and "请填写主要工作经历和业绩" in r.data["detail"]


def test_my_applications_need_a_linked_record(people, open_campaign):
    p1, _ = f.posts_of(open_campaign)
    for who in ("staff", "leader", "judge"):
        r = client_for(people[who]).post(f"{API}/my-applications/", {"campaign_post": p1.pk, **FORM}, format="json")
        assert r.status_code == 403, who
        assert client_for(people[who]).get(f"{API}/my-applications/").status_code == 403


def test_nomination_created_by_staff_answered_by_nominee(people, open_campaign):
    p1, _ = f.posts_of(open_campaign)
    body = {"campaign_post": p1.pk, "cadre": people["cadre_a"].pk, "source": "mass",
            "recommenders": "甲、乙、丙、丁、戊", "recommender_count": 5}
    url = f"{API}/campaigns/{open_campaign.pk}/nominations/"
    assert client_for(people["leader"]).post(url, body, format="json").status_code == 403
    assert client_for(people["cand_b"]).post(url, body, format="json").status_code == 404
    r = client_for(people["staff"]).post(url, body, format="json")
    assert r.status_code == 201 and r.data["status"] == "pending"
    pk = r.data["id"]
    waiting = client_for(people["cand_a"]).get(f"{API}/my-applications/nominations/").data
    assert [x["id"] for x in waiting] == [pk]
    assert client_for(people["cand_b"]).get(f"{API}/my-applications/nominations/").data == []
    r = client_for(people["cand_b"]).post(f"{API}/my-applications/{pk}/respond/", {"accept": True, **FORM}, format="json")
    assert r.status_code == 404
    r = client_for(people["cand_a"]).post(f"{API}/my-applications/{pk}/respond/", {"accept": True, **FORM}, format="json")
    assert r.status_code == 200 and r.data["status"] == "submitted" and r.data["source"] == "mass"


def test_candidate_sees_review_after_publication_and_scores_after_publicity(people):
    c = f.campaign(Stage.EVALUATION)
    p1, _ = f.posts_of(c)
    app = _qualified(p1, people["cadre_a"], review_reason="符合条件", speech_score=D("88.50"),
                     composite_score=D("86.00"), rank=1, speaking_order=1)
    url = f"{API}/my-applications/{app.pk}/"
    data = client_for(people["cand_a"]).get(url).data
    assert data["review_decision"] == "" and data["speech_score"] is None and data["rank"] is None
    c.review_published_at = timezone.now()
    c.save()
    data = client_for(people["cand_a"]).get(url).data
    assert data["review_decision"] == "通过" and data["speech_score"] is None and data["speaking_order"] == 1
    c.stage, c.publicity_start = Stage.PUBLICITY, timezone.localdate()
    c.save()
    data = client_for(people["cand_a"]).get(url).data
    assert (data["speech_score"], data["composite_score"], data["rank"]) == ("88.50", "86.00", 1)


def test_open_campaigns_for_anyone_signed_in(people, open_campaign):
    f.campaign(Stage.REVIEW)
    r = client_for(people["cand_a"]).get(f"{API}/open-campaigns/")
    assert r.status_code == 200 and [x["id"] for x in r.data] == [open_campaign.pk]
    assert len(r.data[0]["posts"]) == 2
    assert client_for().get(f"{API}/open-campaigns/").status_code == 403


# ====================================================================== staff application list and review


def test_application_list_readers_only_with_filters(people):
    c = f.campaign(Stage.REVIEW)
    p1, p2 = f.posts_of(c)
    a = f.application(p1, people["cadre_a"])
    f.application(p2, people["cadre_b"], review_decision="通过", reviewed_at=timezone.now())
    for who in ("staff", "leader", "observer"):
        r = client_for(people[who]).get(f"{API}/applications/", {"campaign": c.pk})
        assert r.status_code == 200 and r.data["count"] == 2, who
    for who in ("judge", "cand_a"):
        assert client_for(people[who]).get(f"{API}/applications/").status_code == 403, who
    r = client_for(people["staff"]).get(f"{API}/applications/", {"campaign": c.pk, "undecided": "true"})
    assert [x["id"] for x in r.data["results"]] == [a.pk]
    r = client_for(people["staff"]).get(f"{API}/applications/", {"campaign_post": p2.pk})
    assert r.data["results"][0]["post_title"] == str(p2.post)


def test_application_list_query_count_does_not_grow(people):
    c = f.campaign(Stage.REVIEW)
    p1, p2 = f.posts_of(c)
    f.application(p1)
    staff = people["staff"]
    with CaptureQueriesContext(connection) as few:
        client_for(staff).get(f"{API}/applications/")
    for cp in (p1, p2, p2, p1, p2):
        f.application(cp)
    again = client_for(fresh(staff))
    with CaptureQueriesContext(connection) as many:
        assert again.get(f"{API}/applications/").data["count"] == 6
    assert len(many) == len(few) == 3  # the user's groups, the page count, the page with people and posts


def test_review_decide_staff_only(people):
    c = f.campaign(Stage.REVIEW)
    p1, _ = f.posts_of(c)
    app = f.application(p1, suggestion="符合")
    url = f"{API}/applications/{app.pk}/decide/"
    for who in ("leader", "observer"):
        assert client_for(people[who]).post(url, {"decision": "通过"}, format="json").status_code == 403, who
    assert client_for(people["cand_a"]).post(url, {"decision": "通过"}, format="json").status_code == 403
    r = client_for(people["staff"]).post(url, {"decision": "不通过"}, format="json")
    assert r.status_code == 400 and r.data["detail"]
    r = client_for(people["staff"]).post(url, {"decision": "通过"}, format="json")
    assert r.status_code == 200 and r.data["review_decision"] == "通过"
    queue = client_for(people["leader"]).get(f"{API}/campaigns/{c.pk}/review/").data
    assert queue[0]["decided"] == 1 and queue[0]["rows"][0]["id"] == app.pk
    assert client_for(people["judge"]).get(f"{API}/campaigns/{c.pk}/review/").status_code == 404


def test_review_approve_leader_only(people):
    c = f.campaign(Stage.REVIEW, review_submitted_at=timezone.now())
    url = f"{API}/campaigns/{c.pk}/review/approve/"
    assert client_for(people["staff"]).post(url, {}, format="json").status_code == 403
    assert client_for(people["observer"]).post(url, {}, format="json").status_code == 403
    r = client_for(people["leader"]).post(url, {"note": "同意"}, format="json")
    assert r.status_code == 200 and r.data["review_approved_at"]
    assert client_for(people["staff"]).post(f"{API}/campaigns/{c.pk}/review/return/", {"reason": "x"},
                                            format="json").status_code == 403


# ====================================================================== judges


def test_judge_sheet_own_scores_only(people):
    c = f.campaign(Stage.SPEECH)
    mine, other = _assign(c, people["judge"]), _assign(c, people["other_judge"])
    p1, p2 = f.posts_of(c)
    a = _qualified(p1, speaking_order=1)
    b = _qualified(p2, speaking_order=1)
    JudgeScore.objects.create(application=a, judge=other, score=D("60.0"))
    url = f"{API}/campaigns/{c.pk}/judge-sheet/"
    sheet = client_for(people["judge"]).get(url).data
    assert sheet["open"] is True
    assert [[r["my_score"] for r in g["rows"]] for g in sheet["groups"]] == [[None], [None]]
    r = client_for(people["judge"]).post(url, {"scores": {str(a.pk): "86.5", str(b.pk): "90"}}, format="json")
    assert r.status_code == 200
    assert [[r_["my_score"] for r_ in g["rows"]] for g in r.data["groups"]] == [["86.5"], ["90.0"]]
    assert JudgeScore.objects.get(application=a, judge=other).score == D("60.0")
    assert JudgeScore.objects.get(application=a, judge=mine).score == D("86.5")
    r = client_for(people["judge"]).post(url, {"scores": {str(a.pk): "101"}}, format="json")
    assert r.status_code == 400 and "0–100" in r.data["detail"]
    r = client_for(people["judge"]).post(url, {"scores": {"abc": "80"}}, format="json")
    assert r.status_code == 400


def test_judge_sheet_refused_to_others(people):
    c = f.campaign(Stage.SPEECH)
    _assign(c, people["judge"])
    url = f"{API}/campaigns/{c.pk}/judge-sheet/"
    unassigned = f.judge()
    assert client_for(unassigned).get(url).status_code == 404
    assert client_for(unassigned).post(url, {"scores": {}}, format="json").status_code == 404
    for who in ("staff", "leader", "observer"):
        assert client_for(people[who]).get(url).status_code == 403, who
    assert client_for(people["cand_a"]).get(url).status_code == 404


def test_scores_overview_staff_only(people):
    c = f.campaign(Stage.SPEECH)
    j = _assign(c, people["judge"])
    p1, _ = f.posts_of(c)
    a = _qualified(p1, speaking_order=1)
    JudgeScore.objects.create(application=a, judge=j, score=D("77.0"))
    url = f"{API}/campaigns/{c.pk}/scores/"
    r = client_for(people["staff"]).get(url)
    assert r.status_code == 200 and r.data["groups"][0]["rows"][0]["scores"] == ["77.0"]
    for who in ("leader", "observer", "judge"):
        assert client_for(people[who]).get(url).status_code == 403, who


def test_judge_campaigns_and_leader_inbox(people):
    c = f.campaign(Stage.SPEECH)
    _assign(c, people["judge"])
    r = client_for(people["judge"]).get(f"{API}/judge/campaigns/")
    assert r.status_code == 200 and [x["id"] for x in r.data] == [c.pk]
    for who in ("staff", "cand_a"):
        assert client_for(people[who]).get(f"{API}/judge/campaigns/").status_code == 403, who
    waiting = f.campaign(Stage.PLAN_APPROVAL)
    r = client_for(people["leader"]).get(f"{API}/leader-inbox/")
    assert r.status_code == 200 and [(x["id"], x["waiting_label"]) for x in r.data] == [(waiting.pk, "方案待审批")]
    for who in ("staff", "observer", "judge"):
        assert client_for(people[who]).get(f"{API}/leader-inbox/").status_code == 403, who


# ====================================================================== ranking, inspection, decision


def test_ranking_readers_only(people):
    c = f.campaign(Stage.INSPECTION)
    _assign(c, people["judge"])
    p1, _ = f.posts_of(c)
    _qualified(p1, composite_score=D("85.00"), rank=1, is_inspection_target=True)
    url = f"{API}/campaigns/{c.pk}/ranking/"
    for who in ("staff", "leader", "observer"):
        r = client_for(people[who]).get(url)
        assert r.status_code == 200 and r.data[0]["rows"][0]["composite"] == "85.00" and r.data[0]["quota"] == 2, who
    assert client_for(people["judge"]).get(url).status_code == 403
    assert client_for(people["cand_a"]).get(url).status_code == 404


def test_inspection_confirm_leader_and_record_staff(people):
    c = f.campaign(Stage.INSPECTION)
    p1, _ = f.posts_of(c)
    app = _qualified(p1, composite_score=D("85.00"), rank=1, is_inspection_target=True)
    url = f"{API}/campaigns/{c.pk}/inspection-confirm/"
    assert client_for(people["staff"]).post(url, {}, format="json").status_code == 403
    r = client_for(people["leader"]).post(url, {}, format="json")
    assert r.status_code == 200 and r.data["targets"] == [app.pk]
    c.refresh_from_db()
    assert c.inspection_confirmed_at is not None
    rec = f"{API}/applications/{app.pk}/inspection/"
    body = {"talks_count": 25, "opinion": "政治坚定，业绩突出。", "conclusion": "建议任用"}
    assert client_for(people["leader"]).post(rec, body, format="json").status_code == 403
    r = client_for(people["staff"]).post(rec, body, format="json")
    assert r.status_code == 200 and r.data["inspection_conclusion"] == "建议任用" and r.data["talks_count"] == 25


def test_meeting_leader_only(people):
    c = f.campaign(Stage.DECISION)
    url = f"{API}/campaigns/{c.pk}/meeting/"
    body = {"held_on": "2026-08-01", "members": [{"name": "张组长", "present": True}], "votes": {}}
    assert client_for(people["staff"]).post(url, body, format="json").status_code == 403
    r = client_for(people["leader"]).post(url, body, format="json")
    assert r.status_code == 400 and "没有待党委会表决的人选" in r.data["detail"]


def test_objections_and_resolution(people):
    c = f.campaign(Stage.PUBLICITY)
    p1, _ = f.posts_of(c)
    app = _qualified(p1, meeting_result="通过", superior_approved=True)
    url = f"{API}/campaigns/{c.pk}/objections/"
    body = {"application": app.pk, "received_on": str(timezone.localdate()), "channel": "来信", "content": "反映其工作作风问题"}
    for who in ("leader", "observer"):
        assert client_for(people[who]).post(url, body, format="json").status_code == 403, who
    r = client_for(people["staff"]).post(url, body, format="json")
    assert r.status_code == 201 and r.data["status"] == "open"
    pk = r.data["id"]
    listed = client_for(people["observer"]).get(url).data
    assert [(o["id"], o["cadre_name"]) for o in listed] == [(pk, app.cadre.name)]
    resolve = f"{API}/objections/{pk}/resolve/"
    assert client_for(people["leader"]).post(resolve, {"substantiated": False, "resolution": "不属实"},
                                             format="json").status_code == 403
    r = client_for(people["staff"]).post(resolve, {"substantiated": False, "resolution": "经核查反映问题不属实"},
                                         format="json")
    assert r.status_code == 200 and r.data["status"] == "unfounded"
    assert Objection.objects.get(pk=pk).resolved_by == people["staff"]
    other = f.campaign(Stage.PUBLICITY)
    body["application"] = app.pk
    assert client_for(people["staff"]).post(f"{API}/campaigns/{other.pk}/objections/", body,
                                            format="json").status_code == 404


# ====================================================================== exports


TITLES = {"registrations": "报名汇总表", "review": "资格审查名单", "scores": "成绩汇总表", "inspection": "考察对象名单"}


@pytest.mark.parametrize("kind", list(TITLES))
def test_api_exports(people, kind):
    c = f.campaign(Stage.INSPECTION)
    _assign(c, people["judge"])
    p1, _ = f.posts_of(c)
    _qualified(p1, people["cadre_a"], composite_score=D("85.00"), rank=1, is_inspection_target=True)
    url = f"{API}/campaigns/{c.pk}/export/{kind}/"
    for who in ("staff", "leader", "observer"):
        r = client_for(people[who]).get(url)
        assert r.status_code == 200, who
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        assert rows(r.content)[0] == [c.title + TITLES[kind]]
    assert client_for(people["judge"]).get(url).status_code == 403
    assert client_for(people["cand_a"]).get(url).status_code == 404
    assert client_for(people["staff"]).get(f"{API}/campaigns/{c.pk}/export/other/").status_code == 404


def test_export_of_a_missing_campaign_is_404(people):
    missing = (Campaign.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assert client_for(people["staff"]).get(f"{API}/campaigns/{missing}/export/registrations/").status_code == 404


# ====================================================================== admin


def test_admin_changelists_and_history_pages(client):
    from django.contrib import admin
    from django.contrib.auth.models import User
    from simple_history.admin import SimpleHistoryAdmin

    from selection import models as m

    c = f.campaign(Stage.SPEECH, judges=1)
    p1, _ = f.posts_of(c)
    app = _qualified(p1)
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pass12345"))
    for model in (m.Campaign, m.CampaignPost, m.CampaignJudge, m.Application, m.JudgeScore, m.Meeting, m.MeetingVote,
                  m.Objection, m.StageEvent):
        assert model in admin.site._registry, model
        url = f"/admin/selection/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
    for model, obj in ((m.Campaign, c), (m.Application, app)):
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin)
        assert client.get(f"/admin/selection/{model._meta.model_name}/{obj.pk}/history/").status_code == 200
        assert client.get(f"/admin/selection/{model._meta.model_name}/{obj.pk}/change/").status_code == 200
