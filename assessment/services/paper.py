"""Paper ballots: how many were handed out per group, and entering the returned ones."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from core.audit import audit
from core.exceptions import ApplicationError

from .. import rules, workflow
from ..audit import AuditAction
from ..models import BallotSession, BallotTarget, EvaluatorGroup
from ..selectors import paper_returned
from .common import locked, require_staff
from .pool import pool_paper
from .transitions import apply_transition


def paper_issued_set(*, actor, session: BallotSession, group: EvaluatorGroup, count: int) -> EvaluatorGroup:
    require_staff(actor)
    with transaction.atomic():
        session = locked(session)
        refused = workflow.work_error("set_paper_issued", title=session.title, status=session.status)
        if refused:
            raise ApplicationError(refused)
        group = EvaluatorGroup.objects.select_for_update().get(pk=group.pk, session=session)
        count = int(count)
        returned = paper_returned(group)
        if count < returned:
            raise ApplicationError(f"发出纸质票数 {count} 少于已录入的 {returned} 张。", field="count")
        group.paper_issued = count
        group.save(update_fields=["paper_issued"])
        audit(actor=actor, action=AuditAction.BALLOT_PAPER_ISSUE, obj=session, summary=f"“{group.name}”发出纸质票 {count} 张")
    return group


@dataclass
class PaperEntryResult:
    entered: int = 0
    invalid_marks: int = 0
    voided: bool = False
    message: str = ""
    problems: list = field(default_factory=list)


def paper_ballots_enter(*, actor, session: BallotSession, group: EvaluatorGroup, rows: list[list[str]], blank_ballots: int = 0) -> PaperEntryResult:
    """Enter paper ballots: each row holds one cell per target (in session order).

    A cell with two options is invalid for that target; 优/差 without a reason is invalid; a cell that is
    not an option at all is an entry error (nothing is written). When more paper ballots have come back
    than were issued for the group, the whole session is made void (废票处理) in the same transaction.
    """
    require_staff(actor)
    targets = list(BallotTarget.objects.filter(session=session).order_by("order", "id"))
    parsed, errors = [], []
    for r, cells in enumerate(rows, 1):
        if len(cells) > len(targets):
            errors.append({"row": r, "message": f"第 {r} 张：有 {len(cells)} 格，多于测评对象 {len(targets)} 名"})
            continue
        marks = []
        for t, target in enumerate(targets):
            text = cells[t] if t < len(cells) else ""
            try:
                mark = rules.parse_paper_cell(session.option_set, text)
            except ValueError as exc:
                errors.append({"row": r, "field": target.name, "message": f"第 {r} 张“{target.name}”：{exc}"})
                continue
            marks.append(rules.Mark(target.pk, mark.choice, mark.valid, mark.problem))
        parsed.append(marks)
    if errors:
        raise ApplicationError(f"纸质票录入有 {len(errors)} 处错误，未保存任何选票。", errors=errors)
    blank_ballots = int(blank_ballots or 0)
    if blank_ballots < 0:
        raise ApplicationError("空白票数不能为负数。", field="blank_ballots")
    parsed.extend([[rules.Mark(t.pk, "", True) for t in targets] for _ in range(blank_ballots)])
    if not parsed:
        raise ApplicationError("没有需要录入的选票。")

    result = PaperEntryResult()
    with transaction.atomic():
        session = locked(session)
        refused = workflow.work_error("enter_paper", title=session.title, status=session.status)
        if refused:
            raise ApplicationError(refused)
        group = EvaluatorGroup.objects.select_for_update().get(pk=group.pk, session=session)
        result.entered = pool_paper(session=session, group_id=group.pk, ballots=parsed)
        result.invalid_marks = sum(1 for marks in parsed for m in marks if not m.valid)
        result.problems = [m.problem for marks in parsed for m in marks if m.problem]
        returned = paper_returned(group)
        audit(
            actor=actor,
            action=AuditAction.BALLOT_PAPER_ENTER,
            obj=session,
            summary=f"“{group.name}”录入纸质票 {result.entered} 张（无效标记 {result.invalid_marks} 处）",
        )
        if returned > group.paper_issued:
            result.voided = True
            result.message = (
                f"“{group.name}”收回纸质票 {returned} 张，多于发出的 {group.paper_issued} 张，本次测评作废（废票处理）。"
            )
            apply_transition(actor=actor, session=session, action="void", note=result.message)
    return result
