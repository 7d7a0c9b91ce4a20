"""Family links: a family row (家庭成员) that is itself a roster record points at it (``relative_cadre``), which is
what the kinship avoidance (任职回避) reads.

``family_links_refresh`` matches unlinked family rows against the roster (the pure scoring is in
``cadre.rules.family``): an exact match is linked at once, an ambiguous one becomes a ``FamilyLinkProposal`` for
staff, who confirm (``family_link_confirm``) or reject it (``family_link_reject``; remembered, not proposed again).
Given ``cadre_ids`` (records just imported or edited) the refresh is set-based and limited to the family rows of
those records and to the rows that could be those records (same 身份证号 or name): a few queries per call.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.audit import audit
from core.exceptions import ApplicationError

from .. import rules
from ..audit import AuditAction
from ..bulk import chunks
from ..models import Cadre, FamilyLinkProposal, FamilyMember
from .common import history_user

PENDING, CONFIRMED, REJECTED = (
    FamilyLinkProposal.Status.PENDING, FamilyLinkProposal.Status.CONFIRMED, FamilyLinkProposal.Status.REJECTED,
)
ROSTER_FIELDS = ("id", "name", "birth_date", "id_number", "unit__name", "unit__short_name", "position_title")


def _members_in_scope(cadre_ids) -> list[FamilyMember]:
    qs = FamilyMember.objects.filter(relative_cadre__isnull=True)
    if cadre_ids is None:
        return list(qs.order_by("id"))
    out: dict[int, FamilyMember] = {}
    for chunk in chunks(sorted(cadre_ids)):
        keys = list(Cadre.objects.filter(id__in=chunk).values_list("id_number", "name"))
        numbers = [n for n, _ in keys if n]
        names = sorted({name for _, name in keys} | {rules.normalize_name(name) for _, name in keys})
        for m in qs.filter(Q(cadre_id__in=chunk) | Q(id_number__in=numbers) | Q(name__in=names)):
            out[m.pk] = m
    return [out[k] for k in sorted(out)]


def _roster_for(members: list[FamilyMember], everyone: bool) -> list[rules.RosterFacts]:
    qs = Cadre.objects.all()
    rows: dict[int, dict] = {}
    if everyone:
        rows = {r["id"]: r for r in qs.values(*ROSTER_FIELDS).order_by()}
    else:
        numbers = sorted({rules.normalize_id(m.id_number) for m in members if m.id_number})
        names = sorted({rules.normalize_name(m.name) for m in members if not m.id_number and m.birth_date})
        for chunk in chunks(numbers):
            rows.update({r["id"]: r for r in qs.filter(id_number__in=chunk).values(*ROSTER_FIELDS).order_by()})
        for chunk in chunks(names):
            rows.update({r["id"]: r for r in qs.filter(name__in=chunk).values(*ROSTER_FIELDS).order_by()})
    return [
        rules.RosterFacts(r["id"], r["name"], r["birth_date"], r["id_number"], r["unit__name"] or "",
                          r["unit__short_name"] or "", r["position_title"] or "")
        for r in rows.values()
    ]


def _facts(m: FamilyMember) -> rules.RelativeFacts:
    return rules.RelativeFacts(m.pk, m.cadre_id, m.name, m.birth_date, m.id_number, m.work_unit_and_post)


def family_links_refresh(*, actor, cadre_ids=None) -> dict:
    """Link the family rows that are exactly roster records and propose the ambiguous ones.

    ``cadre_ids`` None = the whole roster. Returns {"linked": n, "proposed": n}.
    """
    with transaction.atomic():
        members = _members_in_scope(cadre_ids)
        by_id, by_name = rules.index_roster(_roster_for(members, cadre_ids is None))
        by_pk = {m.pk: m for m in members}
        matches = [x for m in members for x in rules.match_relative(_facts(m), by_id, by_name)]
        linked = []
        for x in matches:
            if x.kind == rules.EXACT:
                member = by_pk[x.member_id]
                member.relative_cadre_id = x.cadre_id
                linked.append(member)
        user = history_user(actor)
        for chunk in chunks(linked):
            bulk_update_with_history(chunk, FamilyMember, ["relative_cadre"], batch_size=500, default_user=user)
        proposed = _store_proposals(members, [x for x in matches if x.kind == rules.PROPOSAL], by_pk, {m.pk for m in linked})
        if linked or proposed:
            audit(
                actor=actor,
                action=AuditAction.FAMILY_LINKS_REFRESH,
                summary=f"家庭成员自动关联干部档案{len(linked)}人，待确认{len(proposed)}人",
                data={"linked": [[m.pk, m.cadre_id, m.relative_cadre_id] for m in linked][:200],
                      "proposed": [[p.member_id, p.cadre_id, p.candidate_id] for p in proposed][:200]},
            )
    return {"linked": len(linked), "proposed": len(proposed)}


def _store_proposals(members, wanted, by_pk, linked_ids) -> list[FamilyLinkProposal]:
    """Create the new proposals (never a pair already decided), drop pending ones that no longer match."""
    owners = sorted({m.cadre_id for m in members})
    existing: dict[tuple, FamilyLinkProposal] = {}
    for chunk in chunks(owners):
        for p in FamilyLinkProposal.objects.filter(cadre_id__in=chunk):
            existing[(p.cadre_id, p.member_name, p.candidate_id)] = p
    keep: set[int] = set()
    new: list[FamilyLinkProposal] = []
    for x in wanted:
        member = by_pk[x.member_id]
        key = (member.cadre_id, rules.normalize_name(member.name), x.cadre_id)
        old = existing.get(key)
        if old is None:
            new.append(FamilyLinkProposal(member=member, cadre_id=member.cadre_id, member_name=key[1],
                                          candidate_id=x.cadre_id, basis=x.basis))
        elif old.status == PENDING:
            keep.add(old.pk)
            if old.member_id != member.pk or old.basis != x.basis:
                old.member, old.basis = member, x.basis
                old.save(update_fields=["member", "basis"])
    in_scope = set(by_pk) | set(linked_ids)
    stale = [p.pk for p in existing.values() if p.status == PENDING and p.pk not in keep
             and (p.member_id is None or p.member_id in in_scope)]
    FamilyLinkProposal.objects.filter(pk__in=stale).delete()
    FamilyLinkProposal.objects.filter(status=PENDING, member__isnull=True).delete()
    FamilyLinkProposal.objects.bulk_create(new)
    return new


def _locked_pending(proposal: FamilyLinkProposal) -> FamilyLinkProposal:
    p = FamilyLinkProposal.objects.select_for_update().get(pk=proposal.pk)
    if p.status != PENDING:
        raise ApplicationError("该关联建议已处理，请刷新页面")
    return p


def family_link_confirm(*, actor, proposal: FamilyLinkProposal) -> FamilyMember:
    """Staff say the family row is this roster record: link it and close the member's other proposals."""
    with transaction.atomic():
        p = _locked_pending(proposal)
        if p.member_id is None:
            raise ApplicationError("该家庭成员已被删除，无法关联")
        member = FamilyMember.objects.select_for_update().get(pk=p.member_id)
        if member.relative_cadre_id not in (None, p.candidate_id):
            raise ApplicationError("该家庭成员已关联其他干部档案")
        member.relative_cadre_id = p.candidate_id
        member._history_user = history_user(actor)
        member.save(update_fields=["relative_cadre"])
        p.status, p.decided_by, p.decided_at = CONFIRMED, history_user(actor), timezone.now()
        p.save(update_fields=["status", "decided_by", "decided_at"])
        FamilyLinkProposal.objects.filter(member=member, status=PENDING).delete()
        candidate = Cadre.objects.only("name").get(pk=p.candidate_id)
        audit(
            actor=actor, action=AuditAction.FAMILY_LINK_CONFIRM, obj=member,
            summary=f"确认{member.cadre.name}的家庭成员（{member.relation}）{member.name}即干部档案{candidate.name}",
            data={"member": member.pk, "cadre": member.cadre_id, "relative_cadre": p.candidate_id, "basis": p.basis},
        )
    return member


def family_link_reject(*, actor, proposal: FamilyLinkProposal, reason: str = "") -> FamilyLinkProposal:
    """Staff say the family row is not this roster record; the pair is not proposed again."""
    with transaction.atomic():
        p = _locked_pending(proposal)
        p.status, p.reason = REJECTED, (reason or "").strip()[:200]
        p.decided_by, p.decided_at = history_user(actor), timezone.now()
        p.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        owner = Cadre.objects.only("name").get(pk=p.cadre_id)
        audit(
            actor=actor, action=AuditAction.FAMILY_LINK_REJECT, obj=p,
            summary=f"否定{owner.name}的家庭成员{p.member_name}与干部档案#{p.candidate_id}的关联"
                    + (f"：{p.reason}" if p.reason else ""),
            data={"member": p.member_id, "cadre": p.cadre_id, "candidate": p.candidate_id, "reason": p.reason},
        )
    return p
