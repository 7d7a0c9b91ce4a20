"""Issue 16: the whole post-plan state — chains adopted together, stale suggestions refused, kin who stay, the
交流比例, assessments as of the plan's date, execution refused with the violations."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cadre.models import FamilyMember, PostHistory
from core.exceptions import ApplicationError
from core.models import AuditEvent
from rotation import rules, selectors, services
from rotation.models import PlanStatus, RotationSuggestion, SuggestionStatus
from rotation.views import due as due_views

from .conftest import AS_OF

OLD = dt.date(2014, 1, 1)  # ≥ 10 years in the post on AS_OF: due


def _plan(staff, units, as_of=AS_OF, effective=dt.date(2026, 4, 1)):
    return services.plan_create(actor=staff, name="2026年轮岗交流", as_of=as_of, effective_date=effective, units=units)


def _suggest(plan, cadre, from_post, to_post, needs=None, score=100.0):
    e = {"parts": [["须交流", 100]], "due": ["任职满10年"]}
    if needs is not None:
        e.update(needs=needs.pk, needs_name=needs.name)
    return RotationSuggestion.objects.create(plan=plan, run=1, cadre=cadre, from_post=from_post, to_post=to_post,
                                             kind="任职期满交流", score=score, explanation=e)


@pytest.fixture
def chain(world, staff_user):
    """甲 (财政局副局长) → 审计局副局长, which 乙 leaves for the vacant 东林镇副镇长."""
    p1, p2, p3 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长"), world.post(world.town, "副镇长")
    a, b = world.place("甲", p1, start=OLD), world.place("乙", p2, start=OLD)
    plan = _plan(staff_user, [world.finance, world.audit, world.town])
    sa = _suggest(plan, a, p1, p2, needs=b)
    sb = _suggest(plan, b, p2, p3, score=90)
    return plan, a, b, sa, sb, (p1, p2, p3)


def test_adopting_one_member_adopts_its_chain_in_one_step(chain, staff_user):
    plan, a, b, sa, sb, _posts = chain
    adopted = services.suggestions_adopt(actor=staff_user, plan=plan, suggestion_ids=[sa.pk])
    assert {m.cadre_id for m in adopted.moves} == {a.pk, b.pk}
    assert adopted.chained == ["乙"]
    assert set(RotationSuggestion.objects.values_list("status", flat=True)) == {SuggestionStatus.ACCEPTED}
    errors = services.plan_check(plan)
    assert not any("没有空缺" in e for e in errors), errors
    assert AuditEvent.objects.filter(summary__contains="采纳交流建议2条").count() == 1


def test_rejecting_a_member_says_which_moves_fall_with_it(chain, staff_user):
    plan, a, b, sa, sb, _posts = chain
    fell = services.suggestion_reject(actor=staff_user, suggestion=sb, reason="乙暂不交流")
    assert [s.cadre.name for s in fell] == ["甲"]
    sa.refresh_from_db()
    assert sa.status == SuggestionStatus.REJECTED and "因不采纳乙的建议一并失效" in sa.reject_reason


def test_rejecting_the_head_of_a_chain_leaves_the_rest(chain, staff_user):
    plan, a, b, sa, sb, _posts = chain
    assert services.suggestion_reject(actor=staff_user, suggestion=sa) == []
    sb.refresh_from_db()
    assert sb.status == SuggestionStatus.PENDING
    adopted = services.suggestions_adopt(actor=staff_user, plan=plan, suggestion_ids=[sb.pk])
    assert [m.cadre_id for m in adopted.moves] == [b.pk] and adopted.chained == []


def test_a_stale_suggestion_is_refused_naming_the_conflict_and_nothing_is_written(chain, staff_user):
    plan, a, b, sa, sb, _posts = chain
    PostHistory.objects.filter(cadre=b, end__isnull=True).update(end=dt.date(2026, 2, 1))  # 乙 has left meanwhile
    with pytest.raises(ApplicationError) as exc:
        services.suggestions_adopt(actor=staff_user, plan=plan, suggestion_ids=[sa.pk])
    assert "建议已过时，未作任何更改" in exc.value.message
    assert any("乙已不在审计局副局长任职" in e for e in exc.value.errors), exc.value.errors
    assert plan.moves.count() == 0
    assert set(RotationSuggestion.objects.values_list("status", flat=True)) == {SuggestionStatus.PENDING}


def test_a_seat_still_held_by_someone_whose_move_was_rejected_makes_the_suggestion_stale(chain, staff_user):
    plan, a, b, sa, sb, _posts = chain
    sb.status = SuggestionStatus.REJECTED
    sb.save()
    with pytest.raises(ApplicationError) as exc:
        services.suggestions_adopt(actor=staff_user, plan=plan, suggestion_ids=[sa.pk])
    assert any("仍由乙担任" in e for e in exc.value.errors), exc.value.errors
    assert plan.moves.count() == 0


def test_adopt_all_in_one_request_from_the_page(chain, client, staff_user):
    plan, a, b, sa, sb, _posts = chain
    client.force_login(staff_user)
    r = client.post(reverse("rotation:suggestions-adopt", args=[plan.pk]), {"all": "1"}, follow=True)
    assert plan.moves.count() == 2
    assert "已采纳2条交流建议" in r.content.decode()


def test_adopting_the_selected_ones_and_refusal_on_the_page(chain, client, staff_user):
    plan, a, b, sa, sb, _posts = chain
    client.force_login(staff_user)
    PostHistory.objects.filter(cadre=b, end__isnull=True).update(end=dt.date(2026, 2, 1))
    r = client.post(reverse("rotation:suggestions-adopt", args=[plan.pk]), {"ids": [sa.pk]}, follow=True)
    html = r.content.decode()
    assert "建议已过时" in html and "乙已不在审计局副局长任职" in html
    assert plan.moves.count() == 0


def test_the_solver_links_a_move_to_the_seat_it_needs(world, staff_user):
    p1, p2 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长")
    p3 = world.post(world.town, "副镇长")
    world.place("甲", p1, start=OLD)
    world.place("乙", p2, start=OLD)
    plan = _plan(staff_user, [world.finance, world.audit, world.town])
    rows = services.suggestions_generate(actor=staff_user, plan=plan)
    moved = [r for r in rows if r.to_post_id]
    assert len(moved) == 2
    takers = [r for r in moved if r.explanation.get("needs")]
    assert takers, [r.explanation for r in rows]  # one takes the other's seat: a chain
    adopted = services.suggestions_adopt(actor=staff_user, plan=plan, suggestion_ids=[takers[0].pk])
    assert len(adopted.moves) == 2
    assert services.plan_check(plan) == []  # a swap or a chain through the vacancy: consistent either way


def test_no_wife_is_placed_under_her_husband_who_stays(world, staff_user):
    """丙 (镇长) is due but has nowhere to go: he stays. 丁, his wife, must not get the town's vacant 副镇长 post."""
    head = world.post(world.town, "镇长", level="正科级")
    world.post(world.town, "副镇长")
    own = world.post(world.finance, "副局长")
    husband = world.place("丙", head, start=OLD)
    wife = world.place("丁", own, start=OLD, gender="女", birth=dt.date(1984, 2, 1))
    FamilyMember.objects.create(cadre=wife, relation="配偶", name="丙", relative_cadre=husband)
    plan = _plan(staff_user, [world.town, world.finance])
    rows = {r.cadre_id: r for r in services.suggestions_generate(actor=staff_user, plan=plan)}
    assert rows[husband.pk].to_post_id is None
    assert rows[wife.pk].to_post_id is None, rows[wife.pk].explanation
    assert "配偶" in rows[wife.pk].explanation["stay"] and "任职回避" in rows[wife.pk].explanation["stay"]


def test_plan_check_counts_moves_posts_and_ratio(world, staff_user):
    posts = [world.post(world.finance, f"副局长{i}") for i in range(9)] + [world.post(world.town, "副镇长")]
    a = world.place("甲", posts[0], start=OLD)
    plan = _plan(staff_user, [world.finance, world.town])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=posts[-1], kind="任职期满交流")
    report = services.plan_report(plan)
    assert (report["scope"].posts, report["scope"].moved_posts, report["scope"].moves) == (10, 2, 1)
    assert "交流比例不足：范围内职位10个，交流涉及2个（1人次），交流比例20%，低于30%" in report["errors"]
    b = world.place("乙", posts[1], start=OLD)
    services.move_add(actor=staff_user, plan=plan, cadre=b, to_post=posts[0], kind="任职期满交流")
    assert services.plan_report(plan)["scope"].moved_posts == 3
    assert services.plan_check(plan) == []


def test_executing_a_plan_whose_check_fails_is_refused_with_the_violations(world, staff_user, leader_user):
    p1, p2 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长")
    a = world.place("甲", p1, start=OLD)
    plan = _plan(staff_user, [world.finance, world.audit])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=p2, kind="任职期满交流")
    services.plan_submit(actor=staff_user, plan=plan)
    services.plan_approve(actor=leader_user, plan=plan)
    world.place("后来者", p2)  # the target was filled after approval
    with pytest.raises(ApplicationError) as exc:
        services.plan_execute(actor=staff_user, plan=plan)
    assert "未通过执行前校验" in exc.value.message
    assert any("没有空缺" in e for e in exc.value.errors)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert a.post_history.filter(end__isnull=True, post=p1).exists()


def test_a_january_plan_uses_the_year_before_last_when_last_years_results_are_not_in(world, staff_user):
    p1, p2 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长")
    world.post(world.town, "副镇长")
    world.place("甲", p1, start=OLD)
    world.place("乙", p2, start=OLD)  # results 2023–2025 on record; nothing for 2026 yet
    plan = _plan(staff_user, [world.finance, world.audit, world.town], as_of=dt.date(2027, 1, 10),
                 effective=dt.date(2027, 1, 15))
    rows = services.suggestions_generate(actor=staff_user, plan=plan)
    assert all(r.to_post_id for r in rows), [r.explanation.get("stay") for r in rows]
    assert "2026年度考核结果尚未录入" in rows[0].explanation["basis"] and "2025年度及以前" in rows[0].explanation["basis"]


def test_assessment_basis_rule():
    on = dt.date(2027, 1, 15)
    assert rules.assessment_basis(on, True) == (on, "")
    basis, note = rules.assessment_basis(on, False)
    assert basis == dt.date(2026, 12, 31) and "2026年度考核结果尚未录入" in note


# ---------------------------------------------------------------- chains (pure)

links = st.lists(st.tuples(st.integers(1, 12), st.one_of(st.none(), st.integers(1, 12))), max_size=12, unique_by=lambda x: x[0])


@given(links)
def test_chains_are_closed_and_fallers_stay_inside_the_chain(pairs):
    items = [rules.Link(sid=100 + c, cadre_id=c, needs=n) for c, n in pairs]
    groups = rules.chains(items)
    for x in items:
        assert x.sid in groups[x.sid]
        for member in groups[x.sid]:
            assert groups[member] == groups[x.sid]
        assert set(rules.fallers(items, x.sid)) <= set(groups[x.sid]) - {x.sid}
        assert set(rules.expand(items, [x.sid])) == set(groups[x.sid])


def test_fallers_follow_the_seats():
    items = [rules.Link(1, 10, needs=20), rules.Link(2, 20, needs=30), rules.Link(3, 30)]
    assert rules.fallers(items, 3) == [2, 1]  # C rejected: B (needs C's seat), then A (needs B's)
    assert rules.fallers(items, 1) == []
    assert rules.chains(items)[1] == (1, 2, 3)


# ---------------------------------------------------------------- pages


def test_plan_page_filters_paginates_and_loads_details_on_demand(chain, client, staff_user, observer_user):
    plan, a, b, sa, sb, _posts = chain
    extra = [_suggest(plan, a, None, None, score=1.0 + i) for i in range(30)]  # 留任 rows to fill pages
    client.force_login(staff_user)
    url = reverse("rotation:plan", args=[plan.pk])
    html = client.get(url).content.decode()
    assert "第1/2页，共32条" in html and "采纳全部（2条）" in html
    assert "须交流：" not in html  # the explanations are not inline
    html = client.get(url, {"reason": "chain"}).content.decode()
    assert "筛选结果 2 条" in html and html.count('name="ids"') == 2
    html = client.get(url, {"kind": "培养流"}).content.decode()
    assert "没有符合条件的建议" in html
    detail = client.get(reverse("rotation:suggestion", args=[plan.pk, sa.pk])).content.decode()
    assert "交流链：与乙的建议一并采纳" in detail and "调整后采纳" in detail
    html = client.get(url, {"unit": plan.units.first().pk, "status": "all"}).content.decode()
    assert "甲" in html
    client.force_login(observer_user)
    detail = client.get(reverse("rotation:suggestion", args=[plan.pk, sa.pk])).content.decode()
    assert "调整后采纳" not in detail
    assert client.post(reverse("rotation:suggestions-adopt", args=[plan.pk]), {"all": "1"}).status_code == 403
    assert len(extra) == 30


def test_the_check_loads_after_the_page(chain, client, staff_user):
    plan, a, b, sa, sb, _posts = chain
    services.suggestions_adopt(actor=staff_user, plan=plan, suggestion_ids=[sa.pk])
    client.force_login(staff_user)
    url = reverse("rotation:plan", args=[plan.pk])
    assert 'hx-get="' + url + '?part=check"' in client.get(url).content.decode()
    check = client.get(url, {"part": "check"}).content.decode()
    assert "交流比例" in check and "3 个" in check


def test_due_list_is_paginated(world, client, staff_user, monkeypatch):
    for i in range(3):
        world.place(f"人{i}", world.post(world.finance, f"副局长{i}"), start=OLD)
    monkeypatch.setattr(due_views, "DUE_PER_PAGE", 2)
    client.force_login(staff_user)
    html = client.get(reverse("rotation:due"), {"as_of": "2026-03-01"}).content.decode()
    assert "第1/2页，共3条" in html
    assert client.get(reverse("rotation:due"), {"as_of": "2026-03-01", "page": 2}).status_code == 200


def test_plan_structure_before_and_after(world, client, staff_user):
    p1, p2 = world.post(world.finance, "副局长"), world.post(world.town, "副镇长")
    a = world.place("甲", p1, start=OLD, gender="女")
    plan = _plan(staff_user, [world.finance, world.town])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=p2, kind="任职期满交流")
    town = selectors.plan_structure(plan, unit_id=world.town.pk)
    assert (town["before"]["women"], town["after"]["women"]) == (0, 1)
    assert set(town["labels"]) == {"年龄", "性别", "学历", "民族"}
    client.force_login(staff_user)
    html = client.get(reverse("rotation:plan-structure", args=[plan.pk])).content.decode()
    assert "交流前后队伍结构" in html and 'data-side-chart="民族"' in html


def test_api_adopt_and_reject(chain, client, staff_user, leader_user):
    plan, a, b, sa, sb, _posts = chain
    client.force_login(leader_user)
    assert client.post(f"/api/rotation/plans/{plan.pk}/adopt/", {"all": True}, content_type="application/json").status_code == 403
    client.force_login(staff_user)
    r = client.post(f"/api/rotation/suggestions/{sb.pk}/reject/", {"reason": "暂缓"}, content_type="application/json")
    assert r.status_code == 200 and [s["cadre_name"] for s in r.json()["fell"]] == ["甲"]
    r = client.post(f"/api/rotation/plans/{plan.pk}/adopt/", {"all": True}, content_type="application/json")
    assert r.status_code == 400 and "没有可采纳的建议" in r.content.decode()


def test_an_adjusted_adoption_takes_the_chosen_post_alone(chain, staff_user):
    plan, a, b, sa, sb, (p1, p2, p3) = chain
    adopted = services.suggestion_accept(actor=staff_user, suggestion=sa, to_post=p3, kind="培养流")
    assert [(m.cadre_id, m.to_post_id, m.kind) for m in adopted.moves] == [(a.pk, p3.pk, "培养流")]
    sa.refresh_from_db()
    sb.refresh_from_db()
    assert sa.status == SuggestionStatus.ADJUSTED and sb.status == SuggestionStatus.PENDING
    with pytest.raises(ApplicationError, match="采纳后方案将有") as exc:  # 乙's suggested post went to 甲
        services.suggestions_adopt(actor=staff_user, plan=plan, suggestion_ids=[sb.pk])
    assert any("东林镇副镇长职数1人，方案执行后将有2人" in e for e in exc.value.errors), exc.value.errors
    assert plan.moves.count() == 1


def test_plan_page_query_count_does_not_grow_with_the_suggestions(chain, client, staff_user):



    plan, a, b, sa, sb, _posts = chain
    client.force_login(staff_user)
    url = reverse("rotation:plan", args=[plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"status": "all"})
    for i in range(40):
        _suggest(plan, a, None, None, score=1.0 + i)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url, {"status": "all"}).content.decode()
    assert "共42条" in html
    assert len(many.captured_queries) == len(few.captured_queries)
