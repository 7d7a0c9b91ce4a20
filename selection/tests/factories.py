"""Test data for the selection app, in one dialect: factory_boy factories.

``CampaignFactory(stage=Stage.SPEECH)`` (or the trait ``CampaignFactory(at_speech=True)``) returns a 竞争上岗
campaign at that stage as the real workflow would have left it: the gate of every stage already passed holds
(selection/gates.py). The world around it is on ``campaign.world`` (a ``World``: staff and leader accounts, the
posts, judges and applications per post, and helpers that drive the real services from there).

How each stage is reached:

- 准备动员 … 公开报名 by direct rows (members, posts, judges, the plan's approval, the 职位公告 stored without
  rendering, StageEvents), because those gates read the real calendar (报名 window) and a test runs on any day;
- 报名截止 → 资格审查: submitted applications of qualifying cadres who hold a real seat, and the system's
  pre-screening through ``suggestions_refresh``;
- from 资格审查 on through the services (review decisions, list approved by a leader, published, lot, judges'
  scores, the 民主测评 ballot session voted on paper, ranking, 考察, 党委会, superior approval, 任前公示, 任职);
  only the 资格审查结果公示 PDF is stored without rendering (WeasyPrint is slow). Dates of 党委会 and 公示 are
  chosen before today so that the date checks hold; ``publicity_start`` sets the first day of 公示.

Per post the first candidate wins: highest speech and 民主测评 scores, 考察 建议任用, passes the 党委会. The
other candidates are 考察对象 (暂缓任用) while the 1:2 ratio allows, else ranked lower.

``campaign(stage)`` is the bare variant: posts, 领导小组 and judges with the stage field set, nothing else
(for tests that build their own applications). The small builders (``qualified_cadre``, ``application``,
``user`` …) are the pieces both use.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass, field

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from assessment.services import paper_ballots_enter, session_close, session_open
from cadre.models import AnnualAssessment, EducationRecord, PostHistory, RankHistory
from cadre.services import sync_current_position
from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory
from core import roles
from documents.models import DocumentKind
from documents.services import document_store
from selection import services, snapshots
from selection.models import (
    Application,
    AppStatus,
    Campaign,
    CampaignJudge,
    CampaignMember,
    CampaignPost,
    InspectionConclusion,
    MemberRole,
    Source,
    StageEvent,
)
from selection.services import suggestions_refresh
from selection.workflow import ORDER, ROLE_LABELS, SYSTEM, TRANSITIONS, Stage, stage_number

AS_OF = dt.date(2026, 6, 30)
REG_START = dt.date(2026, 7, 6)
REG_END = dt.date(2026, 7, 10)
PASSWORD = "pass12345"

_seq = itertools.count(1)
_names = itertools.count(1)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


# ------------------------------------------------------------------ people


class UserFactory(factory.django.DjangoModelFactory):
    """An account; ``roles=[core.roles.STAFF, …]`` puts it in those groups. Password: ``pass12345``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


def user(username: str | None = None, *role_names: str, **extra) -> User:
    return UserFactory(username=username or f"user{next(_seq)}", roles=role_names, **extra)


def staff(username: str | None = None) -> User:
    return user(username or f"staff{next(_seq)}", roles.STAFF, first_name="组织部干部")


def leader(username: str | None = None) -> User:
    return user(username or f"leader{next(_seq)}", roles.LEADER, first_name="党工委书记")


def judge(username: str | None = None) -> User:
    return user(username or f"judge{next(_seq)}", roles.JUDGE, first_name=f"评委{next(_seq)}")


def observer(username: str | None = None) -> User:
    return user(username or f"observer{next(_seq)}", roles.OBSERVER, first_name="纪工委干部")


def person_name(given: str | None = None) -> str:
    n = next(_names)
    return f"{SURNAMES[n % len(SURNAMES)]}{given or '测' + chr(0x4E00 + 300 + n)}"


class QualifiedCadreFactory(CadreFactory):
    """A 公务员 in a 机关 unit who meets every condition of a 新提任副科 post on AS_OF (the manual items stay
    待人工审核): rank history, three annual assessments, a full-time degree."""

    unit = factory.SubFactory(OrgUnitFactory, name="青溪经济开发区经济发展局", kind="机关")
    birth_date = dt.date(1990, 5, 1)
    rank_level = "一级科员"
    staffing_type = "公务员"
    native_place = "浙江湖州"

    class Meta:
        skip_postgeneration_save = True  # the hooks write related rows only

    @factory.post_generation
    def records(self, create, extracted, **kwargs):
        RankHistory.objects.create(cadre=self, level=self.rank_level, start=dt.date(2018, 1, 1))

    @factory.post_generation
    def assessments(self, create, extracted, **kwargs):
        for year, grade in (extracted if extracted is not None else {2023: "称职", 2024: "优秀", 2025: "称职"}).items():
            AnnualAssessment.objects.create(cadre=self, year=year, grade=grade)

    @factory.post_generation
    def degree(self, create, extracted, **kwargs):
        level = "大学本科" if extracted is None else extracted
        if level:
            EducationRecord.objects.create(cadre=self, mode="全日制", level=level)


def qualified_cadre(*, user: User | None = None, birth=dt.date(1990, 5, 1), gender="男", education="大学本科",
                    grades=None, rank="一级科员", **extra):
    """A cadre who qualifies for a 新提任副科 post on AS_OF (see QualifiedCadreFactory)."""
    return QualifiedCadreFactory(
        user=user, birth_date=birth, gender=gender, rank_level=rank, degree=education, assessments=grades, **extra,
    )


def unqualified_cadre(**kwargs):
    """Fails the 副科 新任 age limit (born 1980, older than 40 on the campaign's as-of year)."""
    kwargs.setdefault("birth", dt.date(1980, 3, 1))
    return qualified_cadre(**kwargs)


def candidate(username: str | None = None, **kwargs):
    """A user with the 干部 role linked to a qualifying cadre: returns (user, cadre)."""
    u = user(username or f"cand{next(_seq)}", roles.CANDIDATE)
    return u, qualified_cadre(user=u, **kwargs)


def placed_cadre(name: str, *, unit_name: str = "", title: str = "科员", level: str = "一级科员",
                 start=dt.date(2019, 3, 1), headcount: int = 1, user=None, post=None):
    """A qualifying cadre holding a real seat (of ``post``, or of a new post in a unit named ``unit_name``): the
    open post-history row with its seat and the rank-history row are written by cadre.services.sync_current_position."""
    if post is None:
        post = PostFactory(unit=OrgUnitFactory(name=unit_name or f"{name}原单位"), title=title, level=level, headcount=headcount)
    unit, title, level = post.unit, post.title, post.level
    cadre = qualified_cadre(name=name, rank=level, user=user)
    cadre.unit, cadre.position_title, cadre.rank_level = unit, title, level
    cadre.position_start = cadre.rank_start = start
    cadre.save()
    RankHistory.objects.filter(cadre=cadre).delete()
    sync_current_position(cadre)
    assert PostHistory.objects.get(cadre=cadre, end__isnull=True).post == post
    return cadre


# ------------------------------------------------------------------ the campaign's parts


class CampaignPostFactory(factory.django.DjangoModelFactory):
    """An open 副科 post (1 vacancy) of a unit of its own, in a campaign."""

    class Meta:
        model = CampaignPost

    campaign = None
    post = factory.SubFactory(
        PostFactory, unit=factory.SubFactory(OrgUnitFactory, name=factory.Sequence(lambda n: f"青溪经济开发区第{n}局")),
        title="副局长", level="副科级", is_open_for_competition=True,
    )
    vacancies = 1
    order = factory.Sequence(lambda n: n)


class CampaignJudgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignJudge

    campaign = None
    user = factory.LazyFunction(judge)
    name = factory.LazyAttribute(lambda o: o.user.first_name)
    order = factory.Sequence(lambda n: n)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted self-nomination (个人自荐) of a qualifying cadre; ``source`` 群众举荐/组织推荐 fill their fields."""

    class Meta:
        model = Application

    campaign = factory.LazyAttribute(lambda o: o.campaign_post.campaign)
    campaign_post = None
    cadre = factory.LazyFunction(qualified_cadre)
    source = Source.SELF
    status = AppStatus.SUBMITTED
    achievements = "长期从事经济运行分析工作，牵头完成多项重点项目。"
    declaration = True
    recommenders = factory.LazyAttribute(lambda o: "甲、乙、丙、丁、戊" if o.source == Source.MASS else "")
    recommender_count = factory.LazyAttribute(lambda o: 5 if o.source == Source.MASS else 0)
    recommending_unit = factory.LazyAttribute(lambda o: "青溪经济开发区经济发展局" if o.source == Source.ORG else "")
    recommending_signer = factory.LazyAttribute(lambda o: "赵局长" if o.source == Source.ORG else "")

    @factory.post_generation
    def freeze(obj, create, extracted, **kwargs):
        """A submitted application carries its snapshot, as application_save writes it."""
        if create and obj.status == AppStatus.SUBMITTED and not obj.snapshot:
            obj.snapshot = snapshots.take(obj.cadre)
            obj.snapshot_at = timezone.now()
            Application.objects.filter(pk=obj.pk).update(snapshot=obj.snapshot, snapshot_at=obj.snapshot_at)


def application(campaign_post: CampaignPost, cadre=None, *, status=AppStatus.SUBMITTED, source=Source.SELF, **extra) -> Application:
    if cadre is not None:
        extra["cadre"] = cadre
    return ApplicationFactory(campaign_post=campaign_post, status=status, source=source, **extra)


def qualify(app: Application) -> Application:
    app.review_decision = "通过"
    app.reviewed_at = timezone.now()
    app.save(update_fields=["review_decision", "reviewed_at"])
    return app


def qualified_application(cp: CampaignPost, name: str | None = None, cadre=None, **extra) -> Application:
    """A submitted application that passed review (rows only)."""
    cadre = cadre or qualified_cadre(name=name or person_name())
    return qualify(application(cp, cadre, **extra))


def posts_of(c: Campaign) -> list[CampaignPost]:
    return list(c.posts.select_related("post", "post__unit").order_by("order", "id"))


def marks(**counts) -> list[str]:
    """marks(优秀=2, 称职=8) → ['优秀', '优秀', '称职', …]."""
    return [option for option, n in counts.items() for _ in range(n)]


def refresh(*objs):
    for o in objs:
        o.refresh_from_db()
    return objs


# ------------------------------------------------------------------ the bare campaign


class BareCampaignFactory(factory.django.DjangoModelFactory):
    """Only the campaign row (any stage field, no gate guaranteed)."""

    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"2026年度中层干部竞争上岗（第{n}批）")
    plan_year = 2026
    as_of = AS_OF
    stage = Stage.REGISTRATION
    registration_start = REG_START
    registration_end = REG_END
    contact_person = "王老师"
    contact_phone = "0572-1234567"
    contact_address = "青溪大道1号组织部"
    contact_mail = "zzb@example.cn"
    plan_document_no = "青开组〔2026〕5号"


def _members(c: Campaign, leader_user=None):
    CampaignMember.objects.create(campaign=c, name="张组长", duty="党工委书记", role=MemberRole.GROUP_LEADER, order=1,
                                  user=leader_user)
    CampaignMember.objects.create(campaign=c, name="李干事", duty="组织部干事", role=MemberRole.TEAM, order=2)


def campaign(stage: str = Stage.REGISTRATION, *, posts: int = 2, judges: int = 0, **kwargs) -> Campaign:
    """A bare campaign with `posts` open 副科 posts (1 vacancy each), its 领导小组 and 工作班子, in `stage`;
    no applications, no gate guaranteed (``CampaignFactory`` builds a campaign whose gates hold)."""
    c = BareCampaignFactory(stage=stage, **kwargs)
    _members(c)
    for i in range(posts):
        CampaignPostFactory(campaign=c, conditions="熟悉经济工作" if i == 0 else "", order=i + 1)
    for i in range(judges):
        CampaignJudgeFactory(campaign=c, order=i + 1)
    return c


# ------------------------------------------------------------------ the campaign at a stage


@dataclass
class World:
    """What a staged campaign comes with; ``apps[i]`` are the applications of ``posts[i]``, winner first."""

    campaign: Campaign
    staff: User
    leader: User
    posts: list[CampaignPost] = field(default_factory=list)
    judges: list[CampaignJudge] = field(default_factory=list)
    apps: list[list[Application]] = field(default_factory=list)

    @property
    def all_apps(self) -> list[Application]:
        return [a for post in self.apps for a in post]

    @property
    def winners(self) -> list[Application]:
        """The first candidate of each post: the one the built world appoints."""
        return [post[0] for post in self.apps if post]

    def refresh(self) -> World:
        self.campaign.refresh_from_db()
        for a in self.all_apps:
            a.refresh_from_db()
        return self

    # the 演讲 stage's work, through the services
    def draw(self):
        for cp in self.posts:
            services.speaking_order_draw(actor=self.staff, campaign_post=cp)

    def score(self, table: dict):
        """``table``: {application: [score of judge 1, judge 2, …]}; a None entry skips that judge."""
        for j, jd in enumerate(self.judges):
            mine = {a.pk: row[j] for a, row in table.items() if j < len(row) and row[j] is not None}
            if mine and not jd.absent:
                services.scores_submit(actor=jd.user, campaign=self.campaign, scores=mine)

    def close_speech(self):
        services.speech_close(actor=self.staff, campaign=self.campaign)
        self.campaign.refresh_from_db()

    def ballots(self, marks: dict, *, option_set: str = "评价", issued: int | None = None):
        """Create the 民主测评 session through the service, enter paper ballots and close it.

        ``marks``: {cadre id: [mark on ballot 1, ballot 2, …]} (every list as long as the others)."""
        count = len(next(iter(marks.values())))
        session = services.evaluation_session_create(
            actor=self.staff, campaign=self.campaign, option_set=option_set,
            groups=[{"name": "全体干部", "weight": 100, "paper_issued": issued or count}],
        )
        session_open(actor=self.staff, session=session)
        targets = list(session.targets.order_by("order", "id"))
        rows = [[marks[t.cadre_id][i] for t in targets] for i in range(count)]
        paper_ballots_enter(actor=self.staff, session=session, group=session.groups.get(), rows=rows)
        return session_close(actor=self.staff, session=session)


FORWARD = {t.target: t for t in TRANSITIONS if t.is_forward}  # the forward move into each stage
BALLOTS = 10


def _reached(stage: str, step: str) -> bool:
    if stage == Stage.CANCELLED:
        return False
    return stage_number(stage) >= stage_number(step)


def _placeholder_document(w: World, kind: str, title: str):
    """A campaign document stored as the documents service stores a rendered one (the PDF itself is a stub)."""
    key = w.campaign.scope
    digest = hashlib.sha256(f"factory:{kind}:{key}".encode()).hexdigest()
    document_store(actor=w.staff, kind=kind, subject_key=key, digest=digest, template_version="factory", title=title,
                   pdf=b"%PDF-1.4\n% placeholder written by selection.tests.factories\n%%EOF\n", page_count=1)


def _move(w: World, target: str, actor=None, note: str = ""):
    """A forward move written as rows (the stages whose gates read the real calendar)."""
    t = FORWARD[target]
    c = w.campaign
    StageEvent.objects.create(
        campaign=c, action=t.action, label=t.label, from_stage=t.source, to_stage=t.target, actor=actor,
        actor_label=ROLE_LABELS[SYSTEM] if actor is None else "", note=note,
    )
    Campaign.objects.filter(pk=c.pk).update(stage=target, stage_since=timezone.now())
    c.refresh_from_db()


def _candidates(w: World, per_post: tuple[int, ...], names: list[str], people: list, users: dict):
    """Submitted applications: per post, the winner (``people`` entry if any) first. Everyone holds a seat."""
    for i, (cp, count) in enumerate(zip(w.posts, per_post)):
        apps = []
        for k in range(count):
            if k == 0 and i < len(people):
                name, _appointment, level = people[i]  # 新任/转任 follows from the level (the screen says which)
            else:
                name, level = (names.pop(0) if names else person_name()), "一级科员"
            title = "副主任" if level in ("正科级", "副科级") else "科员"
            cadre = placed_cadre(name, unit_name=f"{name}原单位", title=title, level=level, user=users.get(name))
            apps.append(application(cp, cadre, submitted_at=timezone.now()))
        w.apps.append(apps)


def _refresh_apps(w: World):
    for post in w.apps:
        for a in post:
            a.refresh_from_db()


def _review(w: World):
    for a in w.all_apps:
        services.review_decide(actor=w.staff, application=a, decision="通过", reason="经工作班子逐项审核，符合报名条件")
    services.review_submit(actor=w.staff, campaign=w.campaign)
    services.review_approve(actor=w.leader, campaign=w.campaign)
    # 张榜公布 (review_publish renders the 资格审查结果公示 with WeasyPrint): the same rows, the PDF a stub
    Campaign.objects.filter(pk=w.campaign.pk).update(review_published_at=timezone.now())
    _placeholder_document(w, DocumentKind.QUALIFICATION_NOTICE, f"{w.campaign.title}资格审查结果公示")
    services.speech_start(actor=w.staff, campaign=w.campaign, note="资格审查结果已张榜公布")


def _speech(w: World):
    w.draw()
    table = {a: [90 - 5 * k + j * 0.5 for j in range(len(w.judges))] for post in w.apps for k, a in enumerate(post)}
    w.score(table)
    w.close_speech()


def _evaluation(w: World):
    rank_of = {a.cadre_id: k for post in w.apps for k, a in enumerate(post)}
    w.ballots({cid: marks(优秀=max(0, 8 - 3 * k), 称职=BALLOTS - max(0, 8 - 3 * k)) for cid, k in rank_of.items()})
    services.evaluation_close(actor=w.staff, campaign=w.campaign)


def _inspection(w: World):
    result = services.inspection_confirm(actor=w.leader, campaign=w.campaign)
    winners = {a.pk for a in w.winners}
    for a in result.targets:
        services.inspection_record(
            actor=w.staff, application=a, talks_count=18, opinion="政治立场坚定，工作作风扎实，群众基础较好。",
            conclusion=InspectionConclusion.RECOMMEND if a.pk in winners else InspectionConclusion.DEFER,
        )
    services.inspection_finish(actor=w.staff, campaign=w.campaign)


def _decision(w: World, start: dt.date):
    held = min(start, timezone.localdate())
    candidates = list(services.meeting_candidates(w.campaign))
    members = [{"name": "张书记", "present": True, "user": w.leader}, {"name": "李主任", "present": True},
               {"name": "王副书记", "present": True}]
    services.meeting_record(actor=w.leader, campaign=w.campaign, held_on=held, title="党工委会议", members=members,
                            votes={a.pk: {m["name"]: "同意" for m in members} for a in candidates})
    services.superior_approval_record(actor=w.staff, campaign=w.campaign, document_no="湖组干〔2026〕8号",
                                      approved_on=held, approved_ids=[a.pk for a in candidates])
    services.publicity_start(actor=w.staff, campaign=w.campaign, start_date=start)


class CampaignFactory(BareCampaignFactory):
    """A campaign at ``stage`` whose past gates hold (see the module docstring); the world is ``campaign.world``.

    Options (keywords besides the Campaign fields):
      ``posts`` (2) open 副科 posts; ``per_post`` candidates per post, an int or one count per post (2 from 资格审查
      on, else 0); ``judges`` (3); ``names``: candidates' names in order; ``people``: the winner of each post as
      (name, 新任/转任, current level), as many posts as people; ``users``: {name: account} linked to those
      people; ``publicity_start``: first day of 任前公示 (default today, or 40 days ago from 任职 on);
      ``appointed_on`` (default today).
    """

    class Meta:
        model = Campaign

    stage = Stage.PREPARATION
    plan_document_no = ""
    scope_post_count = 10
    declared_rotation_count = 3

    class Params:
        at_plan_approval = factory.Trait(stage=Stage.PLAN_APPROVAL)
        at_posting = factory.Trait(stage=Stage.POSTING)
        at_registration = factory.Trait(stage=Stage.REGISTRATION)
        at_review = factory.Trait(stage=Stage.REVIEW)
        at_speech = factory.Trait(stage=Stage.SPEECH)
        at_evaluation = factory.Trait(stage=Stage.EVALUATION)
        at_inspection = factory.Trait(stage=Stage.INSPECTION)
        at_decision = factory.Trait(stage=Stage.DECISION)
        at_publicity = factory.Trait(stage=Stage.PUBLICITY)
        at_appointment = factory.Trait(stage=Stage.APPOINTMENT)
        completed = factory.Trait(stage=Stage.COMPLETED)
        cancelled = factory.Trait(stage=Stage.CANCELLED)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        stage = Stage(kwargs.pop("stage"))
        people = list(kwargs.pop("people", None) or [])
        posts = kwargs.pop("posts", None) or len(people) or 2
        per_post = kwargs.pop("per_post", None)
        judges = kwargs.pop("judges", 3)
        names = list(kwargs.pop("names", None) or [])
        users = dict(kwargs.pop("users", None) or {})
        publicity_start = kwargs.pop("publicity_start", None)
        appointed_on = kwargs.pop("appointed_on", None)
        if isinstance(per_post, int):
            per_post = (per_post,) * posts
        elif per_post is None:
            per_post = (2 if _reached(stage, Stage.REVIEW) else 0,) * posts
        per_post = tuple(per_post)

        c = super()._create(model_class, *args, stage=Stage.PREPARATION, **kwargs)
        w = World(campaign=c, staff=staff(), leader=leader())
        c.world = w
        _members(c, w.leader)
        w.posts = [CampaignPostFactory(campaign=c, order=i + 1, conditions="熟悉经济工作" if i == 0 else "")
                   for i in range(len(per_post))]
        w.judges = [CampaignJudgeFactory(campaign=c, order=i + 1) for i in range(judges)]
        if stage == Stage.CANCELLED:
            _cancel(w)
            return c
        if _reached(stage, Stage.PLAN_APPROVAL):
            _move(w, Stage.PLAN_APPROVAL, w.staff)
        if _reached(stage, Stage.POSTING):
            Campaign.objects.filter(pk=c.pk).update(plan_document_no="青开组〔2026〕5号", plan_approved_by=w.leader,
                                                    plan_approved_at=timezone.now())
            _move(w, Stage.POSTING, w.leader, "青开组〔2026〕5号")
        if _reached(stage, Stage.REGISTRATION):
            _placeholder_document(w, DocumentKind.POST_ANNOUNCEMENT, f"{c.title}职位公告")
            _move(w, Stage.REGISTRATION, w.staff)
        _candidates(w, per_post, names, people, users)
        if _reached(stage, Stage.REVIEW):
            _move(w, Stage.REVIEW)  # 报名截止 by the beat task
            suggestions_refresh(c)
        if _reached(stage, Stage.SPEECH):
            _review(w)
        if _reached(stage, Stage.EVALUATION):
            _speech(w)
        if _reached(stage, Stage.INSPECTION):
            _evaluation(w)
        if _reached(stage, Stage.DECISION):
            _inspection(w)
        if _reached(stage, Stage.PUBLICITY):
            today = timezone.localdate()
            default = today - dt.timedelta(days=40) if _reached(stage, Stage.APPOINTMENT) else today
            _decision(w, publicity_start or default)
        if _reached(stage, Stage.APPOINTMENT):
            services.publicity_end(actor=w.staff, campaign=c)
        if stage == Stage.COMPLETED:
            services.appointment_execute(actor=w.staff, campaign=c, appointed_on=appointed_on or timezone.localdate(),
                                         document_no="青开组〔2026〕35号")
        c.refresh_from_db()
        _refresh_apps(w)
        assert c.stage == stage, (c.stage, stage)
        return c


TWO_APPOINTEES = [("甲任", "新任", "一级科员"), ("乙任", "新任", "一级科员")]


def decided(stage: str = Stage.DECISION, *, people=None, **options) -> Campaign:
    """A campaign at ``stage`` (讨论决定 on) with ONE candidate per post (the plan's 差额 set to 1), each a
    confirmed 考察对象 with 建议任用: ``campaign.world.winners``. ``people`` default: 甲任 and 乙任, both 新任."""
    options.setdefault("min_candidates_per_vacancy", 1)
    return CampaignFactory(stage=stage, people=people or TWO_APPOINTEES, per_post=1, **options)


def _cancel(w: World):
    c = w.campaign
    StageEvent.objects.create(campaign=c, action="cancel", label="终止本次工作", from_stage=Stage.PREPARATION,
                              to_stage=Stage.CANCELLED, actor=w.leader, note="工作调整")
    Campaign.objects.filter(pk=c.pk).update(stage=Stage.CANCELLED, cancel_reason="工作调整", stage_since=timezone.now())
    c.refresh_from_db()


STAGES = list(ORDER) + [Stage.COMPLETED]
