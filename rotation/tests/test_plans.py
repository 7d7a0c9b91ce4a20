"""Plan validation, approval and execution (one transaction)."""
import datetime as dt

import pytest

from cadre.models import Cadre, FamilyMember, PostHistory
from cadre.services import positions as position_services
from core.exceptions import ApplicationError
from core.models import AuditEvent
from rotation import services
from rotation.models import PlanStatus

from .conftest import AS_OF


def _plan(staff, world, units):
    return services.plan_create(actor=staff, name="2026年中层干部轮岗交流", as_of=AS_OF, effective_date=dt.date(2026, 4, 1),
                                units=units)


def test_swap_of_two_people_is_valid(world, staff_user):
    a_post = world.post(world.finance, "副局长")
    b_post = world.post(world.audit, "副局长")
    a = world.place("甲", a_post)
    b = world.place("乙", b_post)
    plan = _plan(staff_user, world, [world.finance, world.audit])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=b_post, kind="任职期满交流")
    services.move_add(actor=staff_user, plan=plan, cadre=b, to_post=a_post, kind="任职期满交流")
    assert services.plan_check(plan) == []


def test_chain_is_valid_and_a_full_post_is_refused(world, staff_user):
    p1, p2, p3 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长"), world.post(world.town, "副镇长")
    a, b, c = world.place("甲", p1), world.place("乙", p2), world.place("丙", p3)
    plan = _plan(staff_user, world, [world.finance, world.audit, world.town])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=p2, kind="任职期满交流")
    services.move_add(actor=staff_user, plan=plan, cadre=b, to_post=p3, kind="任职期满交流")
    assert any("没有空缺" in e and "乙" in e for e in services.plan_check(plan))  # 丙 still holds 副镇长
    services.move_add(actor=staff_user, plan=plan, cadre=c, to_post=p1, kind="培养流")
    assert services.plan_check(plan) == []  # A→B→C→A


def test_move_into_unit_where_spouse_leads_is_refused(world, staff_user):
    head = world.post(world.audit, "局长", level="正科级")
    dep = world.post(world.audit, "副局长")
    src = world.post(world.finance, "副局长")
    other = world.post(world.town, "副镇长")
    spouse = world.place("审计局长", head)
    mover = world.place("交流人", src, gender="女", birth=dt.date(1984, 2, 1))
    world.place("镇干部", other)
    FamilyMember.objects.create(cadre=mover, relation="配偶", name="审计局长", relative_cadre=spouse)
    plan = _plan(staff_user, world, [world.finance, world.audit, world.town])
    services.move_add(actor=staff_user, plan=plan, cadre=mover, to_post=dep, kind="任职期满交流")
    errors = services.plan_check(plan)
    assert any("第1项（交流人" in e and "配偶" in e and "任职回避" in e for e in errors), errors


def test_validation_messages_name_the_move(world, staff_user):
    p1, p2, p3, p4 = (world.post(world.finance, "副局长"), world.post(world.audit, "副局长"),
                      world.post(world.town, "副镇长"), world.post(world.town, "宣传委员"))
    a = world.place("甲", p1)
    b = world.place("乙", p2)
    world.place("丁", p4)
    # 甲 left 东林镇 in 2023: returning within 5 years is refused
    PostHistory.objects.create(cadre=a, unit=world.town, unit_name="东林镇", title="科员", start=dt.date(2015, 1, 1),
                               end=dt.date(2023, 2, 28))
    plan = _plan(staff_user, world, [world.finance, world.audit, world.town])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=p3, kind="培养流")
    errors = services.plan_check(plan)
    assert any("第1项（甲" in e and "2023.02离开东林镇未满5年" in e for e in errors)
    # scope: 甲 leaves 财政局副局长 and fills 东林镇副镇长: 2 of 4 posts in scope (50%) ≥ 30%
    assert not any("交流比例不足" in e for e in errors)
    # the same person twice is refused when adding
    with pytest.raises(ApplicationError, match="重复交流"):
        services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=p2, kind="培养流")
    # eligibility from the engine: 乙 without assessments is refused for the target
    b.assessments.all().delete()
    services.move_add(actor=staff_user, plan=plan, cadre=b, to_post=p1, kind="任职期满交流")
    errors = services.plan_check(plan)
    assert any("第2项（乙" in e and "不符合拟任职位任职资格" in e and "缺少" in e for e in errors), errors


def test_approval_return_and_execution(world, staff_user, leader_user, observer_user):
    p1, p2 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长")
    a, b = world.place("甲", p1), world.place("乙", p2)
    plan = _plan(staff_user, world, [world.finance, world.audit])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=p2, kind="任职期满交流")
    services.move_add(actor=staff_user, plan=plan, cadre=b, to_post=p1, kind="任职期满交流")
    with pytest.raises(ApplicationError, match="方案当前状态为「草拟」，不能批准"):
        services.plan_approve(actor=leader_user, plan=plan)
    with pytest.raises(ApplicationError, match="权限"):
        services.plan_submit(actor=leader_user, plan=plan)
    services.plan_submit(actor=staff_user, plan=plan)
    with pytest.raises(ApplicationError, match="权限"):
        services.plan_approve(actor=staff_user, plan=plan)
    with pytest.raises(ApplicationError, match="理由"):
        services.plan_return(actor=leader_user, plan=plan, reason=" ")
    services.plan_return(actor=leader_user, plan=plan, reason="请补充交流理由")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.return_reason == "请补充交流理由"
    services.plan_submit(actor=staff_user, plan=plan)
    services.plan_approve(actor=leader_user, plan=plan)
    with pytest.raises(ApplicationError, match="权限"):
        services.plan_execute(actor=observer_user, plan=plan)
    services.plan_execute(actor=staff_user, plan=plan)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.unit, a.position_title, a.position_start) == (world.audit, "副局长", dt.date(2026, 4, 1))
    assert b.unit == world.finance
    old = PostHistory.objects.get(cadre=a, post=p1)
    assert old.end == dt.date(2026, 3, 31)
    new = PostHistory.objects.get(cadre=a, end__isnull=True)
    assert new.post == p2 and new.seat == 1 and new.method == "平级交流"
    assert AuditEvent.objects.filter(action="rotation.plan.execute").exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.EXECUTED


def test_execution_is_atomic(world, staff_user, leader_user, monkeypatch):
    p1, p2 = world.post(world.finance, "副局长"), world.post(world.audit, "副局长")
    a, b = world.place("甲", p1), world.place("乙", p2)
    plan = _plan(staff_user, world, [world.finance, world.audit])
    services.move_add(actor=staff_user, plan=plan, cadre=a, to_post=p2, kind="任职期满交流")
    services.move_add(actor=staff_user, plan=plan, cadre=b, to_post=p1, kind="任职期满交流")
    services.plan_submit(actor=staff_user, plan=plan)
    services.plan_approve(actor=leader_user, plan=plan)
    real = position_services.audit  # positions_assign records one audit event per cadre it moves
    calls = []

    def failing(**kw):
        calls.append(kw["obj"].name)
        if len(calls) == 2:
            raise RuntimeError("磁盘故障")
        return real(**kw)

    monkeypatch.setattr(position_services, "audit", failing)
    before_rows = list(PostHistory.objects.order_by("id").values_list("id", "post_id", "end"))
    before_audit = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        services.plan_execute(actor=staff_user, plan=plan)
    assert calls == ["甲", "乙"]  # the first move was written before the failure …
    a.refresh_from_db()
    assert a.unit == world.finance  # … and rolled back with everything else
    assert list(PostHistory.objects.order_by("id").values_list("id", "post_id", "end")) == before_rows
    assert AuditEvent.objects.count() == before_audit
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert Cadre.objects.get(pk=b.pk).unit == world.audit
