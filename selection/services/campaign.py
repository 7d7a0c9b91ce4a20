"""The campaign itself, 准备动员 → 方案报批 → 公布职位: the plan's settings, the 领导小组 and 工作班子, the posts
in competition, the 评委, and the plan's submission, approval (with its 批准文号) and return.

Every service: keyword-only, an ``actor``, one ``transaction.atomic()``, the campaign row locked with
``select_for_update()`` where two people can race, an audit row; stage moves go through ``base.transition``.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre.models import Post
from core import roles
from core.audit import audit
from core.exceptions import ApplicationError

from .. import rules, workflow
from ..audit import AuditAction
from ..models import Campaign, CampaignJudge, CampaignMember, CampaignPost, MemberRole, StageEvent
from ..workflow import Stage
from .base import actor_user, lock, require_staff, require_work, transition

# ------------------------------------------------------------------ the plan (准备动员)

EDITABLE_FIELDS = (
    "title", "plan_year", "as_of", "schedule", "issuer", "contact_person", "contact_phone", "contact_address",
    "contact_mail", "scope_post_count", "rotation_plan", "declared_rotation_count", "min_rotation_percent",
    "registration_start", "registration_end", "max_posts_per_candidate", "min_candidates_per_vacancy",
    "min_mass_recommenders",
    "speech_weight", "evaluation_weight", "written_weight", "trim_min_judges", "inspection_ratio",
    "publicity_working_days", "term_years", "probation_years",
)
# settings that may still change after the plan was approved (in 公布职位, before registration opens)
POSTING_FIELDS = ("registration_start", "registration_end", "contact_person", "contact_phone", "contact_address", "contact_mail")


def _decimal(data: dict, name: str, label: str) -> None:
    if name in data and data[name] is not None and not isinstance(data[name], Decimal):
        try:
            data[name] = Decimal(str(data[name]).strip())
        except InvalidOperation:
            raise ApplicationError(f"{label}“{data[name]}”不是数字。", field=name) from None


def _check_settings(data: dict) -> None:
    for name, label in (("speech_weight", "演讲成绩权重"), ("evaluation_weight", "民主测评权重"),
                        ("written_weight", "笔试成绩权重"), ("inspection_ratio", "考察对象比例"),
                        ("min_rotation_percent", "轮岗比例下限")):
        _decimal(data, name, label)
    if not (data.get("title") or "").strip():
        raise ApplicationError("请填写工作名称。", field="title")
    if not data.get("as_of"):
        raise ApplicationError("请填写资格计算基准日。", field="as_of")
    year = data.get("plan_year")
    if not year or not (2000 <= int(year) <= 2100):
        raise ApplicationError("方案年度应为 2000–2100 之间的年份。", field="plan_year")
    errors = rules.weight_errors(data["speech_weight"], data["evaluation_weight"], data["written_weight"])
    if errors:
        raise ApplicationError("；".join(errors), field="speech_weight")
    ratio = data["inspection_ratio"]
    if not (Decimal(1) <= ratio <= Decimal(3)):
        raise ApplicationError(f"考察对象比例应在 1:1 至 1:3 之间，现为 1:{ratio.normalize():f}。", field="inspection_ratio")
    if int(data["publicity_working_days"]) < 5:
        raise ApplicationError("任前公示期不少于 5 个工作日。", field="publicity_working_days")
    if int(data["max_posts_per_candidate"]) < 1:
        raise ApplicationError("每人最多报名职位数至少为 1。", field="max_posts_per_candidate")
    if int(data["min_candidates_per_vacancy"]) < 1:
        raise ApplicationError("每个职数最少合格人数至少为 1。", field="min_candidates_per_vacancy")
    if int(data["trim_min_judges"]) < 3:
        raise ApplicationError("去掉最高最低分的最少评委数不能少于 3。", field="trim_min_judges")
    start, end = data.get("registration_start"), data.get("registration_end")
    if start and end and end < start:
        raise ApplicationError("报名截止日期不能早于报名开始日期。", field="registration_end")
    if not (Decimal(0) <= data["min_rotation_percent"] <= Decimal(100)):
        raise ApplicationError("轮岗比例下限应在 0–100% 之间。", field="min_rotation_percent")


def campaign_create(*, actor, data: dict) -> Campaign:
    require_staff(actor)
    defaults = {f.name: f.get_default() for f in Campaign._meta.fields if f.name in EDITABLE_FIELDS}
    merged = {**defaults, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS}}
    _check_settings(merged)
    with transaction.atomic():
        campaign = Campaign(**merged, created_by=actor_user(actor))
        campaign._history_user = actor_user(actor)
        campaign.save()
        StageEvent.objects.create(
            campaign=campaign, action="create", label="起草方案", from_stage=Stage.PREPARATION,
            to_stage=Stage.PREPARATION, actor=actor_user(actor),
        )
        audit(actor=actor, action=AuditAction.CAMPAIGN_CREATE, obj=campaign, summary=f"起草竞争上岗方案：{campaign.title}")
    return campaign


def campaign_update(*, actor, campaign: Campaign, data: dict) -> Campaign:
    """Edit the plan in 准备动员; in 公布职位 only the registration window and contacts."""
    require_staff(actor)
    with transaction.atomic():
        locked = lock(campaign)
        if locked.stage == Stage.PREPARATION:
            allowed = EDITABLE_FIELDS
        elif locked.stage == Stage.POSTING:
            allowed = POSTING_FIELDS
        else:
            raise ApplicationError(f"当前处于“{locked.get_stage_display()}”阶段，方案不能再修改；如需修改请先撤回。")
        bad = sorted(set(data) - set(allowed))
        if bad:
            names = "、".join(Campaign._meta.get_field(b).verbose_name for b in bad if b in EDITABLE_FIELDS) or "、".join(bad)
            raise ApplicationError(f"当前阶段不能修改：{names}。")
        merged = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        merged.update(data)
        _check_settings(merged)
        changed = [k for k in data if getattr(locked, k) != merged[k]]
        for k in changed:
            setattr(locked, k, merged[k])
        if changed:
            locked._history_user = actor_user(actor)
            locked.save()
            audit(
                actor=actor, action=AuditAction.CAMPAIGN_UPDATE, obj=locked,
                summary=f"修改方案“{locked.title}”：" + "、".join(str(Campaign._meta.get_field(k).verbose_name) for k in changed),
            )
    campaign.refresh_from_db()
    return campaign


def members_set(*, actor, campaign: Campaign, members: list[dict]) -> list[CampaignMember]:
    """Replace the 领导小组 and 工作班子: dicts {"name", "duty", "role", "user"(optional)}."""
    require_staff(actor)
    rows = []
    for i, m in enumerate(members, 1):
        name = (m.get("name") or "").strip()
        role = m.get("role") or ""
        if not name:
            raise ApplicationError(f"第{i}位成员：请填写姓名。", field="members")
        if role not in MemberRole.values:
            raise ApplicationError(f"第{i}位成员{name}：组内职责“{role}”无效。", field="members")
        rows.append(CampaignMember(name=name, duty=(m.get("duty") or "").strip(), role=role, user=m.get("user"), order=i))
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "edit_plan")
        CampaignMember.objects.filter(campaign=locked).delete()
        for r in rows:
            r.campaign = locked
        CampaignMember.objects.bulk_create(rows)
        audit(actor=actor, action=AuditAction.MEMBERS_SET, obj=locked,
              summary=f"设置领导小组和工作班子（{len(rows)}人）")
    return rows


def post_add(*, actor, campaign: Campaign, post: Post, vacancies: int = 1, conditions: str = "") -> CampaignPost:
    require_staff(actor)
    if not post.is_active:
        raise ApplicationError(f"{post}已停用，不能列入竞争。")
    if int(vacancies) < 1:
        raise ApplicationError("竞争职数至少为 1。", field="vacancies")
    if int(vacancies) > post.headcount:
        raise ApplicationError(f"{post}职数为 {post.headcount}，竞争职数不能超过职数。", field="vacancies")
    with transaction.atomic():
        locked = lock(campaign)
        require_work(actor, locked, "edit_plan")
        try:
            with transaction.atomic():
                cp = CampaignPost.objects.create(
                    campaign=locked, post=post, vacancies=int(vacancies), conditions=conditions.strip(),
                    order=locked.posts.count() + 1,
                )
        except IntegrityError:
            raise ApplicationError(f"{post}已列入本次竞争职位。", field="post") from None
        audit(actor=actor, action=AuditAction.POST_ADD, obj=locked, summary=f"列入竞争职位：{post}（{vacancies}名）")
    return cp


def post_remove(*, actor, campaign_post: CampaignPost) -> None:
    require_staff(actor)
    with transaction.atomic():
        locked = lock(campaign_post.campaign_id)
        require_work(actor, locked, "edit_plan")
        if campaign_post.applications.exists():
            raise ApplicationError(f"{campaign_post}已有报名记录，不能移除。")
        label = str(campaign_post)
        campaign_post.delete()
        audit(actor=actor, action=AuditAction.POST_REMOVE, obj=locked, summary=f"移出竞争职位：{label}")


def judges_set(*, actor, campaign: Campaign, users: list) -> list[CampaignJudge]:
    """Assign the 评委 (users holding the 评委 role); allowed until scoring starts (before 演讲)."""
    require_staff(actor)
    with transaction.atomic():
        locked = lock(campaign)
        if workflow.stage_number(locked.stage) >= workflow.stage_number(Stage.SPEECH) or locked.stage == Stage.CANCELLED:
            raise ApplicationError("演讲评分开始后不能再调整评委；评委缺席请在演讲阶段登记。")
        seen = set()
        rows = []
        for i, user in enumerate(users, 1):
            if user.pk in seen:
                continue
            seen.add(user.pk)
            if not roles.has_role(user, roles.JUDGE):
                raise ApplicationError(f"{user.get_full_name() or user.username}不是评委账号，请先在后台授予“评委”角色。")
            rows.append(CampaignJudge(campaign=locked, user=user, name=user.get_full_name() or user.username, order=i))
        CampaignJudge.objects.filter(campaign=locked).delete()
        CampaignJudge.objects.bulk_create(rows)
        audit(actor=actor, action=AuditAction.JUDGES_SET, obj=locked, summary=f"确定评委 {len(rows)} 名")
    return rows


def plan_submit(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """准备动员 → 方案报批 (gate: rotation scope ≥ 30%, posts with rule sets)."""
    return transition(actor=actor, campaign=campaign, action="submit_plan", note=note)


def plan_approve(*, actor, campaign: Campaign, document_no: str, note: str = "") -> Campaign:
    """方案报批 → 公布职位: a leader approves with the approval document number."""
    document_no = (document_no or "").strip()
    if not document_no:
        raise ApplicationError("请填写方案批准文号。", field="document_no")

    def record(c: Campaign):
        c.plan_document_no = document_no
        c.plan_approved_by = actor_user(actor)
        c.plan_approved_at = timezone.now()
        c.save(update_fields=["plan_document_no", "plan_approved_by", "plan_approved_at"])

    return transition(actor=actor, campaign=campaign, action="approve_plan", note=note or f"批准文号：{document_no}", before=record)


def plan_return(*, actor, campaign: Campaign, reason: str) -> Campaign:
    return transition(actor=actor, campaign=campaign, action="return_plan", note=reason)


def users_with_role(role: str):
    return get_user_model().objects.filter(groups__name=role, is_active=True).order_by("username")
