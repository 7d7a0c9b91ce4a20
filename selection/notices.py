"""Data of the campaign's documents, built from its records (documents.campaign_docs dataclasses).

Read-only: each builder loads what its notice prints in a fixed number of queries and returns the dataclass that
``documents.services.campaign_document_generate`` renders. Nothing here writes.

- ``announcement_data``: 职位公告 (posts with headcount, the rule-set conditions for 新任/转任 and the post's own
  conditions, 报名资格/基本条件, how and when to apply);
- ``qualification_data``: 资格审查结果公示 (per open post the qualified candidates);
- ``inspection_data``: 考察对象公示 (per open post the 考察对象);
- ``pre_appointment_data``: 任前公示 (the people of ``gates.publicity_candidates``);
- ``appointment_data``: 聘任文件/任职通知 (appointees, previous posts, 聘期/试用期).

Every person line reads the application's snapshot (the facts frozen at submission, ``selection.snapshots``),
never today's record, and every notice carries its stage's date: 职位公告 the publication date, 资格审查结果公示
the day 党委 approved the list, 考察对象公示 the day the list was confirmed, 任前公示 the start of publicity,
任职通知 the appointment date. A notice asked for before its stage is refused in Chinese (``stage_errors``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from cadre.eligibility import NEW, TRANSFER, RuleSet, birth_cutoff, fmt_date, parse_date, resolve_rule_sets
from cadre.models import EducationRecord
from core.exceptions import ApplicationError
from documents.campaign_docs import (
    Appointment,
    AppointmentNoticeData,
    Issuer,
    ListNoticeData,
    PersonLine,
    PostAnnouncementData,
    PostSpec,
    PostWithPeople,
    PreAppointmentNoticeData,
)

from . import gates, rules, snapshots, workflow
from .models import Application, Campaign, CampaignPost, MeetingResult, PostStatus
from .workflow import Stage


def _today() -> dt.date:
    return timezone.localdate()


def _day(moment) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


# the stage a notice belongs to and the recorded fact that dates it
NOTICE_STAGES = {
    "post_announcement": (Stage.POSTING, "职位公告"),
    "qualification_notice": (Stage.REVIEW, "资格审查结果公示"),
    "inspection_notice": (Stage.INSPECTION, "考察对象公示"),
    "pre_appointment_notice": (Stage.PUBLICITY, "任前公示"),
    "appointment_notice": (Stage.APPOINTMENT, "任职通知"),
}


def stage_errors(campaign: Campaign, kind: str) -> list[str]:
    """Why the notice ``kind`` cannot be produced yet (documents are generated in stage order)."""
    stage, label = NOTICE_STAGES[kind]
    reached = workflow.stage_number(campaign.stage)
    if campaign.stage == Stage.CANCELLED:
        return [f"该竞争上岗工作已终止，不能生成{label}"]
    if reached < workflow.stage_number(stage):
        return [f"尚未进入“{stage.label}”阶段（当前为“{campaign.get_stage_display()}”），不能生成{label}"]
    if kind == "qualification_notice" and not campaign.review_approved_at:
        return ["资格审查名单尚未经党委审定，不能生成资格审查结果公示"]
    if kind == "inspection_notice" and not campaign.inspection_confirmed_at:
        return ["考察对象尚未确定，不能生成考察对象公示"]
    if kind == "pre_appointment_notice" and not campaign.publicity_start:
        return ["尚未确定任前公示开始日期，不能生成任前公示"]
    if kind == "appointment_notice" and not campaign.appointment_date:
        return ["尚未办理任职，不能生成任职通知"]
    return []


def require_stage(campaign: Campaign, kind: str) -> None:
    errors = stage_errors(campaign, kind)
    if errors:
        raise ApplicationError("；".join(errors) + "。", errors=errors)


def issuer(campaign: Campaign) -> Issuer:
    return Issuer(
        organ=campaign.issuer,
        contact_person=campaign.contact_person,
        contact_phone=campaign.contact_phone,
        contact_address=campaign.contact_address,
        contact_mail=campaign.contact_mail,
    )


def open_posts(campaign: Campaign) -> list[CampaignPost]:
    return list(campaign.posts.filter(status=PostStatus.OPEN).select_related("post", "post__unit").order_by("order", "id"))


def post_spec(cp: CampaignPost, conditions: list[str] | None = None) -> PostSpec:
    post = cp.post
    return PostSpec(unit=post.unit.name, title=post.title, level=post.level, headcount=cp.vacancies,
                    conditions=list(conditions or []))


def post_title(cp: CampaignPost) -> str:
    return f"{cp.post.unit.name}{cp.post.title}"


# ------------------------------------------------------------------ 职位公告

def _age_text(rule: dict, as_of: dt.date) -> str:
    parts = []
    for gender, key in (("男", "male"), ("女", "female")):
        limit = int(rule[key])
        explicit = parse_date(rule.get(f"{key}_cutoff")) if rule.get(f"{key}_cutoff") else None
        cutoff = explicit or birth_cutoff(as_of, limit)
        parts.append(f"{gender}{limit}周岁以下（{fmt_date(cutoff)}以后出生）")
    return "年龄" + "、".join(parts)


def _transfer_basis(rs: RuleSet) -> str:
    rank = "正科级" if rs.level == "正科" else "副科级"
    text = f"现任{rank}领导职务或非领导职务"
    if rs.params["transfer"].get("equivalent_ranks", True):
        text += "（含相当职级）"
    title_min = rs.params["transfer"].get("title_min")
    if title_min:
        text += f"，或具有{title_min}及以上专业技术职称"
    return text


def rule_set_lines(rs: RuleSet, as_of: dt.date, *, full_time: bool = False) -> list[str]:
    """One line per appointment type (新任/转任): age cutoff, tenure and education of the resolved rule set."""
    lines = []
    for appt in (NEW, TRANSFER):
        section = rs.params[appt]
        parts = []
        age, tenure, education = section["age"], section["tenure"], section["education"]
        if age.get("on"):
            parts.append(_age_text(age, as_of))
        if tenure.get("on"):
            kind = "领导职务" if tenure.get("leadership_only", True) else "职务层次"
            soft = "一般应" if tenure.get("waivable") else "须"
            parts.append(f"{soft}任{tenure['level']}及以上{kind}满{int(tenure['min_years'])}年")
        if education.get("on"):
            ft = "全日制" if (education.get("full_time_only") or full_time) else ""
            parts.append(f"具有{ft}{education['minimum']}及以上学历")
        if not parts:
            continue
        label = f"新提任{rs.level}级职务" if appt == NEW else f"转任（{_transfer_basis(rs)}）"
        lines.append(f"{label}：" + "，".join(parts))
    return lines


def general_conditions(campaign: Campaign, rs: RuleSet | None = None) -> list[str]:
    """报名资格 and 基本条件 (eligibility.md), with the assessment years of the campaign's as-of year."""
    common = (rs.params if rs else {"common": {}})["common"]
    assessment = common.get("assessment") or {"on": True, "years": 3, "grades": ["优秀", "称职"]}
    lines = [
        "区委、管委会机关和乡镇、街道在编在岗的公务员（含参照公务员法管理人员），以及在管委会机关工作的企事业编制人员。",
    ]
    if assessment.get("on", True):
        n = int(assessment.get("years", 3))
        years = "、".join(str(campaign.as_of.year - i) for i in range(n, 0, -1))
        grades = "或".join(assessment.get("grades") or ["优秀", "称职"])
        lines.append(f"{years}年度考核结果均为{grades}等次。")
    lines += [
        "坚持四项基本原则，政治立场坚定；具有一定的政策理论水平；热爱本职工作，品行端正。",
        "身体健康，能坚持正常工作。",
        "未受党纪处分、政务处分，或处分影响期已满。",
        f"年龄、任职年限按{fmt_date(campaign.as_of)}计算。个别工作表现突出或因工作需要者，经批准可适当放宽年龄和文化条件。",
    ]
    return lines


def how_to_apply(campaign: Campaign) -> list[str]:
    start, end = campaign.registration_start, campaign.registration_end
    lines = [
        "报名采取个人自荐、群众举荐和组织推荐三种方式。"
        f"群众举荐须{campaign.min_mass_recommenders}人以上联名；组织推荐须写明推荐单位并由单位负责人签字；"
        "被举荐、推荐人须本人同意方为有效。",
        "报名人登录干部管理系统，在“我的报名”中填写《竞争科级职位申请（推荐）表》；"
        "个人基本情况从干部档案带出，如有错误请向组织部反映更正。",
        f"每人最多报名{campaign.max_posts_per_candidate}个职位，并表明是否服从调剂。",
    ]
    if start and end:
        lines.append(f"报名时间：{fmt_date(start)}至{fmt_date(end)}（含截止日当天），逾期不再受理。")
    lines.append("报名结束后进行资格审查，审查结果张榜公布；报名人可在“我的报名”中查看本人审查结论和理由。")
    return lines


def announcement_data(campaign: Campaign, today: dt.date | None = None) -> PostAnnouncementData:
    """职位公告 dated ``today`` (the day it is published; posts_publish dates it with the publication day)."""
    require_stage(campaign, "post_announcement")
    if not (campaign.registration_start and campaign.registration_end):
        raise ApplicationError("尚未设定报名时间，不能生成职位公告。")
    posts = open_posts(campaign)
    if not posts:
        raise ApplicationError("没有仍在竞争的职位，不能生成职位公告。")
    rule_sets = resolve_rule_sets([cp.post for cp in posts], scope=campaign.scope)
    specs, first_rs = [], None
    for cp in posts:
        rs = rule_sets[cp.post_id]
        first_rs = first_rs or rs
        own = [line.strip() for line in cp.conditions.splitlines() if line.strip()]
        specs.append(post_spec(cp, rule_set_lines(rs, campaign.as_of, full_time=cp.post.requires_full_time_education) + own))
    return PostAnnouncementData(
        campaign_title=campaign.title,
        issuer=issuer(campaign),
        issue_date=today or _today(),
        posts=specs,
        registration_start=campaign.registration_start,
        registration_end=campaign.registration_end,
        general_conditions=general_conditions(campaign, first_rs),
        how_to_apply=how_to_apply(campaign),
        document_number=campaign.announcement_no,
    )


# ------------------------------------------------------------------ lists per post

def _with_people(qs):
    return qs.select_related("cadre", "cadre__unit", "campaign_post", "campaign_post__post", "campaign_post__post__unit").prefetch_related(
        Prefetch("cadre__educations", queryset=EducationRecord.objects.order_by("mode"))
    )


def person_line(app: Application, *, proposed: bool = False, note: str = "") -> PersonLine:
    """One person as the notices print them: the snapshot's facts (frozen at submission)."""
    snap = snapshots.of(app)
    birth = snap.get("birth")
    return PersonLine(
        name=snap.get("name", ""),
        gender=snap.get("gender", ""),
        birth=dt.date.fromisoformat(birth) if birth else None,
        native_place=snap.get("native_place", ""),
        education=snap.get("education", ""),
        political_status=snap.get("political_status", ""),
        current_post=snap.get("current_job", ""),
        proposed_post=post_title(app.campaign_post) if proposed else "",
        note=note,
    )


def _groups(campaign: Campaign, apps, order_key) -> list[PostWithPeople]:
    by_post = defaultdict(list)
    for a in apps:
        by_post[a.campaign_post_id].append(a)
    groups = []
    for cp in open_posts(campaign):
        people = sorted(by_post.get(cp.pk, []), key=order_key)
        groups.append(PostWithPeople(post=post_spec(cp), people=[person_line(a) for a in people]))
    return groups


def qualification_data(campaign: Campaign, today: dt.date | None = None) -> ListNoticeData:
    """资格审查结果公示: per open post the candidates who passed (按姓氏笔画排序), dated the day 党委 approved the
    list (``today`` is accepted for older callers and ignored)."""
    require_stage(campaign, "qualification_notice")
    apps = list(_with_people(gates.qualified(campaign)))
    return ListNoticeData(
        campaign_title=campaign.title,
        issuer=issuer(campaign),
        issue_date=_day(campaign.review_approved_at),
        groups=_groups(campaign, apps, lambda a: (a.cadre.stroke_key, a.cadre_id)),
    )


def inspection_data(campaign: Campaign) -> ListNoticeData:
    """考察对象公示: per open post the 考察对象 in rank order, dated the day the list was confirmed."""
    require_stage(campaign, "inspection_notice")
    apps = list(_with_people(gates.qualified(campaign).filter(is_inspection_target=True)))
    return ListNoticeData(
        campaign_title=campaign.title,
        issuer=issuer(campaign),
        issue_date=_day(campaign.inspection_confirmed_at),
        groups=_groups(campaign, apps, lambda a: (a.rank or 999, a.cadre.stroke_key, a.cadre_id)),
    )


# ------------------------------------------------------------------ 任前公示 and 任职

def _ordered(apps):
    return sorted(apps, key=lambda a: (a.campaign_post.order, a.campaign_post_id, a.rank or 999, a.cadre_id))


def pre_appointment_data(campaign: Campaign, start_date: dt.date | None = None) -> PreAppointmentNoticeData:
    """任前公示 of the people who passed the 党委会 and the superior approval; dated and counted from the start of
    publicity (``start_date`` only for a preview before the period is set)."""
    if start_date is None:
        require_stage(campaign, "pre_appointment_notice")
    start = campaign.publicity_start or start_date
    apps = _ordered(_with_people(gates.publicity_candidates(campaign)))
    return PreAppointmentNoticeData(
        issuer=issuer(campaign),
        issue_date=start,
        people=[person_line(a, proposed=True) for a in apps],
        start_date=start,
        working_days=campaign.publicity_working_days,
    )


def appointment_kind(app: Application) -> str:
    """新提任/转任/平职交流/降职: recorded at appointment, else from the snapshot's level vs the new post's."""
    if app.appointment_kind:
        return app.appointment_kind
    snap = snapshots.of(app)
    return rules.appointment_kind(snap.get("post_level", ""), snap.get("rank_level", ""), app.campaign_post.post.level)


def is_new_promotion(app: Application) -> bool:
    """新提任 (the only kind with a 试用期)."""
    return appointment_kind(app) == rules.PROMOTION


def appointment_data(campaign: Campaign, previous_posts: dict[int, str] | None = None) -> AppointmentNoticeData:
    """聘任文件/任职通知, dated the appointment date: the appointees with the post each held at registration (the
    snapshot) and the appointment kind (新提任 with 试用期, 转任, 平职交流, 降职). ``previous_posts`` (application
    id → text) overrides the snapshot's post for a caller that knows better."""
    require_stage(campaign, "appointment_notice")
    candidates = list(_with_people(gates.publicity_candidates(campaign)))
    apps = _ordered([a for a in candidates if a.appointed_on])
    if not apps:
        raise ApplicationError("没有任职人员，不能生成任职通知。")
    # 免去 only a leadership post held at registration (a 科员 taking a first leadership post is not 免去 anything)
    previous = {a.pk: snapshots.of(a).get("current_job", "") if snapshots.of(a).get("post_level") else "" for a in apps}
    if previous_posts:
        previous.update(previous_posts)
    appointments = [
        Appointment(name=snapshots.of(a).get("name") or a.cadre.name, post=post_title(a.campaign_post),
                    previous_post=previous.get(a.pk, ""), is_new_promotion=is_new_promotion(a),
                    kind=appointment_kind(a))
        for a in apps
    ]
    names = "、".join(x.name for x in appointments[:3]) + ("等" if len(apps) > 3 else "")
    basis = f"经党工委会议研究，并报上级组织部门审批同意（{campaign.superior_approval_no}）" if campaign.superior_approval_no else "经党工委会议研究"
    probation = (
        f"；其中新提任人员试用期{campaign.probation_years}年" if any(x.is_new_promotion for x in appointments) else ""
    )
    decision = (
        f"根据《党政领导干部选拔任用工作条例》和{campaign.title}方案，{basis}，决定聘任下列同志职务，"
        f"聘期{campaign.term_years}年{probation}。"
    )
    return AppointmentNoticeData(
        issuer=issuer(campaign),
        issue_date=campaign.appointment_date,
        document_number=campaign.appointment_document_no,
        title=f"关于{names}同志任职的通知",
        addressee="各部门、各单位",
        decision=decision,
        appointments=appointments,
        term_years=campaign.term_years,
        probation_years=campaign.probation_years,
    )


# ------------------------------------------------------------------ 干部任免审批表 of the people decided on

def approval_proposals(campaign: Campaign) -> dict[int, dict]:
    """The 拟任/拟免 and 任免理由 of each person the 党委会 passed, for their 干部任免审批表: from the snapshot taken at
    registration (the post then held, and the appointment kind from its level against the new post's)."""
    if workflow.stage_number(campaign.stage) < workflow.stage_number(Stage.DECISION) or campaign.stage == Stage.CANCELLED:
        raise ApplicationError(f"尚未进入“讨论决定”阶段（当前为“{campaign.get_stage_display()}”），不能生成干部任免审批表。")
    apps = _ordered(_with_people(gates.qualified(campaign).filter(meeting_result=MeetingResult.PASSED, ended_reason="")))
    if not apps:
        raise ApplicationError("还没有经党委会讨论通过的人选，不能生成干部任免审批表。")
    out = {}
    for a in apps:
        snap = snapshots.of(a)
        kind = appointment_kind(a)
        post = post_title(a.campaign_post)
        trial = f"，试用期{campaign.probation_years}年" if kind == rules.PROMOTION else ""
        out[a.cadre_id] = {
            "proposed": post,
            "removed": snap.get("current_job", "") if snap.get("post_level") else "",
            "reason": f"参加{campaign.title}，经民主测评、组织考察和党工委会议讨论决定，拟聘任为{post}"
                      f"（{kind}{trial}），聘期{campaign.term_years}年。",
            "reporting_unit": campaign.issuer,
        }
    return out
