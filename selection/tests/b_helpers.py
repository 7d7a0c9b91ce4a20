"""Test data for the scoring, decision and appointment services.

``SpeechWorld``: a campaign in 演讲 with qualified candidates per post and assigned judges, plus helpers that
drive the real services (lot, scores, ballot session voted on paper). ``decision_world`` / ``placed_cadre``
put a campaign directly at 讨论决定 … 任职 with candidates who hold real seats in the post history.
"""
from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from assessment.models import BallotTarget
from assessment.services import paper_ballots_enter, session_close, session_open
from cadre.models import PostHistory, RankHistory
from cadre.services import sync_current_position
from cadre.tests.factories import OrgUnitFactory, PostFactory
from selection import services as scoring
from selection.models import (
    Application,
    Campaign,
    CampaignPost,
    InspectionConclusion,
    MeetingResult,
)
from selection.tests import factories as F
from selection.workflow import Stage

_names = itertools.count(1)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def person_name(given: str | None = None) -> str:
    n = next(_names)
    return f"{SURNAMES[n % len(SURNAMES)]}{given or '测' + chr(0x4E00 + 300 + n)}"


def qualify(app: Application) -> Application:
    app.review_decision = "通过"
    app.reviewed_at = timezone.now()
    app.save(update_fields=["review_decision", "reviewed_at"])
    return app


def qualified_application(cp: CampaignPost, name: str | None = None, cadre=None, **extra) -> Application:
    cadre = cadre or F.qualified_cadre(name=name or person_name())
    return qualify(F.application(cp, cadre, **extra))


class SpeechWorld:
    """A campaign in 演讲: ``per_post`` qualified candidates on each post, ``judges`` assigned judges."""

    def __init__(self, *, per_post=(3, 2), judges=5, names=None, **campaign_kwargs):
        now = timezone.now()
        self.staff = F.staff()
        self.leader = F.leader()
        self.campaign = F.campaign(
            Stage.SPEECH, posts=len(per_post), judges=judges, review_approved_at=now, review_published_at=now,
            **campaign_kwargs,
        )
        self.posts = F.posts_of(self.campaign)
        self.judges = list(self.campaign.judges.select_related("user").order_by("order", "id"))
        names = list(names or [])
        self.apps: list[list[Application]] = []
        for cp, count in zip(self.posts, per_post):
            self.apps.append([qualified_application(cp, names.pop(0) if names else None) for _ in range(count)])

    @property
    def all_apps(self) -> list[Application]:
        return [a for post in self.apps for a in post]

    def draw(self):
        for cp in self.posts:
            scoring.speaking_order_draw(actor=self.staff, campaign_post=cp)

    def score(self, table: dict):
        """``table``: {application: [score of judge 1, judge 2, …]}; a None entry skips that judge."""
        for j, judge in enumerate(self.judges):
            mine = {a.pk: row[j] for a, row in table.items() if j < len(row) and row[j] is not None}
            if mine and not judge.absent:
                scoring.scores_submit(actor=judge.user, campaign=self.campaign, scores=mine)

    def close_speech(self):
        scoring.speech_close(actor=self.staff, campaign=self.campaign)
        self.campaign.refresh_from_db()

    def ballots(self, marks: dict, *, option_set: str = "评价", issued: int | None = None):
        """Create the 民主测评 session through the service, enter paper ballots and close it.

        ``marks``: {cadre id: [mark on ballot 1, ballot 2, …]} (every list as long as the others)."""
        count = len(next(iter(marks.values())))
        session = scoring.evaluation_session_create(
            actor=self.staff, campaign=self.campaign, option_set=option_set,
            groups=[{"name": "全体干部", "weight": 100, "paper_issued": issued or count}],
        )
        session_open(actor=self.staff, session=session)
        targets = list(BallotTarget.objects.filter(session=session).order_by("order", "id"))
        rows = [[marks[t.cadre_id][i] for t in targets] for i in range(count)]
        paper_ballots_enter(actor=self.staff, session=session, group=session.groups.get(), rows=rows)
        return session_close(actor=self.staff, session=session)


def marks(**counts) -> list[str]:
    """marks(优秀=2, 称职=8) → ['优秀', '优秀', '称职', …]."""
    return [option for option, n in counts.items() for _ in range(n)]


def refresh(*objs):
    for o in objs:
        o.refresh_from_db()
    return objs


# ------------------------------------------------------------------ 讨论决定 … 任职


def placed_cadre(name: str, *, unit_name: str = "", title: str = "科员", level: str = "一级科员",
                 start=dt.date(2019, 3, 1), headcount: int = 1, user=None, post=None):
    """A qualifying cadre holding a real seat (of ``post``, or of a new post in a unit named ``unit_name``): the
    open post-history row with its seat and the rank-history row are written by cadre.services.sync_current_position."""
    if post is None:
        post = PostFactory(unit=OrgUnitFactory(name=unit_name), title=title, level=level, headcount=headcount)
    unit, title, level = post.unit, post.title, post.level
    cadre = F.qualified_cadre(name=name, rank=level, user=user)
    cadre.unit, cadre.position_title, cadre.rank_level = unit, title, level
    cadre.position_start = cadre.rank_start = start
    cadre.save()
    RankHistory.objects.filter(cadre=cadre).delete()
    sync_current_position(cadre)
    assert PostHistory.objects.get(cadre=cadre, end__isnull=True).post == post
    return cadre


def decision_world(stage=Stage.DECISION, *, people=None, users=None, **campaign_kwargs):
    """A campaign at ``stage`` whose candidates are confirmed 考察对象 with 建议任用 (one per post).

    ``people``: list of (name, appointment type 新任/转任, current level) — one post each. Returns
    (campaign, staff, leader, [applications]). ``users``: {name: user} to link a login to a person."""
    now = timezone.now()
    users = users or {}
    people = people or [("甲任", "新任", "一级科员"), ("乙任", "新任", "一级科员")]
    staff, leader = F.staff(), F.leader()
    c = F.campaign(
        stage, posts=len(people), review_approved_at=now, review_published_at=now, speech_closed_at=now,
        inspection_confirmed_at=now, inspection_confirmed_by=leader, **campaign_kwargs,
    )
    apps = []
    for i, (cp, (name, appointment, level)) in enumerate(zip(F.posts_of(c), people), 1):
        title = "副主任" if level in ("正科级", "副科级") else "科员"
        cadre = placed_cadre(name, unit_name=f"{name}原单位", title=title, level=level, user=users.get(name))
        app = qualified_application(
            cp, cadre=cadre, speech_score=80, evaluation_score=85, composite_score=83, rank=1,
            is_inspection_target=True, talks_count=20, inspection_opinion="政治素质好，工作实绩突出。",
            inspection_conclusion=InspectionConclusion.RECOMMEND,
            eligibility={"appointment": appointment, "result": "符合"},
        )
        apps.append(app)
    return c, staff, leader, apps


def advance_to_publicity(c: Campaign, apps, *, start: dt.date, end: dt.date, stage=Stage.PUBLICITY):
    """Rows of a campaign whose candidates passed the meeting and the superior approval, 公示 start–end."""
    Application.objects.filter(pk__in=[a.pk for a in apps]).update(
        meeting_result=MeetingResult.PASSED, superior_approved=True
    )
    Campaign.objects.filter(pk=c.pk).update(
        stage=stage, superior_approval_no="湖组干〔2026〕8号", superior_approval_date=start - dt.timedelta(days=3),
        publicity_start=start, publicity_end=end,
    )
    c.refresh_from_db()
    for a in apps:
        a.refresh_from_db()
    return c
