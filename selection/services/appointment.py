"""任职 (selection.md "任职"): the appointment that writes every appointee's post in one transaction, with
任职日期, 聘期届满, 新提任 and 试用期满, and the 任职通知 rendered after commit.
"""
from __future__ import annotations

import datetime as dt

from cadre.choices import PostKind
from cadre.models import Cadre, PostHistory
from cadre.services import PositionMove, positions_assign
from core.audit import audit
from core.exceptions import ApplicationError
from documents.models import DocumentKind

from .. import gates, rules, snapshots
from ..audit import AuditAction
from ..models import Application, Campaign, Objection, ObjectionStatus
from .base import actor_user, app_label, document_issue_on_commit, require_staff, transition

METHOD = "竞争上岗"


def _seat_errors(apps: list[Application]) -> list[str]:
    """Free seats per post, counting the seats the appointees themselves vacate."""
    moving = {a.cadre_id for a in apps}
    by_post: dict[int, list[Application]] = {}
    for a in apps:
        by_post.setdefault(a.campaign_post.post_id, []).append(a)
    errors = []
    for post_id, post_apps in by_post.items():
        post = post_apps[0].campaign_post.post
        held = PostHistory.objects.filter(post_id=post_id, end__isnull=True).exclude(cadre_id__in=moving).count()
        free = post.headcount - held
        if len(post_apps) > free:
            errors.append(
                f"{post}职数 {post.headcount} 名，现有在任 {held} 人，不能再任用"
                + "、".join(a.cadre.name for a in post_apps)
            )
    return errors


def appointment_kind(app: Application) -> str:
    """新提任/转任/平职交流/降职 from the snapshot's level (the post held at registration) and the new post's."""
    if app.appointment_kind:
        return app.appointment_kind
    snap = snapshots.of(app)
    return rules.appointment_kind(snap.get("post_level", ""), snap.get("rank_level", ""), app.campaign_post.post.level)


def appointment_execute(*, actor, campaign: Campaign, appointed_on: dt.date, document_no: str, note: str = "") -> Campaign:
    """任职 → 已完成 (staff), in ONE transaction: every candidate of 任前公示 without an ended candidacy or an
    open objection takes the post through ``cadre.services.positions_assign`` (old holdings closed the day
    before, the new post-history row with method 竞争上岗 and the 聘任文件 number, the rank too when the level
    changes), and 任职日期, 聘期届满 (term_years), 新提任 and 试用期满 (probation_years, new leadership
    appointments) are recorded. A seat that is not free raises and nothing is written. The 任职通知/聘任文件 PDF
    is rendered after commit."""
    require_staff(actor)
    document_no = (document_no or "").strip()
    if not document_no:
        raise ApplicationError("请填写聘任文件文号。", field="document_no")
    if not appointed_on:
        raise ApplicationError("请填写任职日期。", field="appointed_on")
    held_back: list[str] = []

    def execute(c: Campaign):
        if c.publicity_end and appointed_on <= c.publicity_end:
            raise ApplicationError(f"任职日期应在任前公示期满（{c.publicity_end:%Y.%m.%d}）之后。", field="appointed_on")
        apps = list(
            gates.publicity_candidates(c).filter(appointed_on__isnull=True)
            .select_related("cadre", "campaign_post__post__unit").order_by("campaign_post__order", "rank", "id")
        )
        blocked = set(
            Objection.objects.filter(application__in=apps, status=ObjectionStatus.OPEN).values_list("application_id", flat=True)
        )
        held_back.extend(app_label(a) for a in apps if a.pk in blocked)
        apps = [a for a in apps if a.pk not in blocked]
        if not apps:
            raise ApplicationError("没有可以办理任职的人选" + (f"（{'、'.join(held_back)}的公示反映尚未核查完毕）" if held_back else "") + "。")
        errors = _seat_errors(apps)
        if errors:
            raise ApplicationError("职数不足，未办理任职：" + "；".join(errors) + "。", errors=errors)
        cadres = {x.pk: x for x in Cadre.objects.select_for_update().filter(pk__in=[a.cadre_id for a in apps])}
        level_changes = {a.pk: cadres[a.cadre_id].rank_level != a.campaign_post.post.level for a in apps}
        # the posts change hands through cadre's one owner of holdings (seats vacated by one appointee are free
        # for another: every mover's old holding is closed before any new one opens)
        positions_assign(
            actor=actor, effective=appointed_on, method=METHOD, document_no=document_no,
            moves=[PositionMove(cadres[a.cadre_id], a.campaign_post.post, set_rank=level_changes[a.pk]) for a in apps],
        )
        for a in apps:
            post = a.campaign_post.post
            kind = appointment_kind(a)
            is_new = kind == rules.PROMOTION
            a.appointed_on = appointed_on
            a.term_end = rules.term_end(appointed_on, c.term_years)
            a.appointment_kind = kind
            a.is_new_appointment = is_new
            a.probation_end = (
                rules.term_end(appointed_on, c.probation_years)
                if is_new and post.kind == PostKind.LEADERSHIP and c.probation_years else None
            )
            a._history_user = actor_user(actor)
            a.save(update_fields=["appointed_on", "term_end", "appointment_kind", "is_new_appointment", "probation_end",
                                  "updated_at"])
        c.appointment_date = appointed_on
        c.appointment_document_no = document_no[:60]
        c.save(update_fields=["appointment_date", "appointment_document_no"])
        audit(
            actor=actor, action=AuditAction.APPOINTMENT_EXECUTE, obj=c,
            summary=f"办理任职（{document_no}，{appointed_on:%Y.%m.%d}起）：" + "、".join(app_label(a) for a in apps)
            + (f"；{'、'.join(held_back)}因公示反映尚未核查完毕暂不任职" if held_back else ""),
            data={"appointed": [a.pk for a in apps], "held_back": held_back, "document_no": document_no},
        )
        document_issue_on_commit(c.pk, DocumentKind.APPOINTMENT_NOTICE, actor)

    return transition(actor=actor, campaign=campaign, action="appoint", note=note or f"聘任文件：{document_no}",
                      before=execute)
