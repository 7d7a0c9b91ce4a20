"""Shared test data for the selection app: users with roles, a campaign with posts in a given stage, cadres who
qualify for a 副科 post (as-of 2026-06-30), and applications.

Every builder writes rows directly (no services), so a test can start at any stage without replaying the
workflow; services under test then run against these rows.
"""
from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth.models import Group, User

from cadre.models import AnnualAssessment, EducationRecord, RankHistory
from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory
from core import roles
from selection.models import (
    Application,
    AppStatus,
    Campaign,
    CampaignJudge,
    CampaignMember,
    CampaignPost,
    MemberRole,
    Source,
)
from selection.workflow import Stage

AS_OF = dt.date(2026, 6, 30)
REG_START = dt.date(2026, 7, 6)
REG_END = dt.date(2026, 7, 10)

_seq = itertools.count(1)


def user(username: str | None = None, *role_names: str, **extra) -> User:
    username = username or f"user{next(_seq)}"
    u = User.objects.create_user(username=username, password="pass12345", **extra)
    for name in role_names:
        u.groups.add(Group.objects.get_or_create(name=name)[0])
    return u


def staff(username: str | None = None) -> User:
    return user(username or f"staff{next(_seq)}", roles.STAFF, first_name="组织部干部")


def leader(username: str | None = None) -> User:
    return user(username or f"leader{next(_seq)}", roles.LEADER, first_name="党工委书记")


def judge(username: str | None = None) -> User:
    return user(username or f"judge{next(_seq)}", roles.JUDGE, first_name=f"评委{next(_seq)}")


class CampaignFactory(factory.django.DjangoModelFactory):
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


def qualified_cadre(*, user: User | None = None, birth=dt.date(1990, 5, 1), gender="男", education="大学本科",
                    grades=None, rank="一级科员", **extra):
    """A 公务员 in a 机关 unit who meets every condition of a 新提任副科 post on AS_OF (the manual items stay 待人工审核)."""
    unit = OrgUnitFactory(name="青溪经济开发区经济发展局", kind="机关")
    cadre = CadreFactory(
        user=user, birth_date=birth, gender=gender, unit=unit, rank_level=rank, staffing_type="公务员",
        native_place=extra.pop("native_place", "浙江湖州"), **extra,
    )
    RankHistory.objects.create(cadre=cadre, level=rank, start=dt.date(2018, 1, 1))
    for year, grade in (grades or {2023: "称职", 2024: "优秀", 2025: "称职"}).items():
        AnnualAssessment.objects.create(cadre=cadre, year=year, grade=grade)
    if education:
        EducationRecord.objects.create(cadre=cadre, mode="全日制", level=education)
    return cadre


def unqualified_cadre(**kwargs):
    """Fails the 副科 新任 age limit (born 1980, older than 40 on the campaign's as-of year)."""
    kwargs.setdefault("birth", dt.date(1980, 3, 1))
    return qualified_cadre(**kwargs)


def candidate(username: str | None = None, **kwargs):
    """A user with the 干部 role linked to a qualifying cadre: returns (user, cadre)."""
    u = user(username or f"cand{next(_seq)}", roles.CANDIDATE)
    return u, qualified_cadre(user=u, **kwargs)


def campaign(stage: str = Stage.REGISTRATION, *, posts: int = 2, judges: int = 0, **kwargs) -> Campaign:
    """A campaign with `posts` open 副科 posts (1 vacancy each), its 领导小组 and 工作班子, in `stage`."""
    c = CampaignFactory(stage=stage, **kwargs)
    CampaignMember.objects.create(campaign=c, name="张组长", duty="党工委书记", role=MemberRole.GROUP_LEADER, order=1)
    CampaignMember.objects.create(campaign=c, name="李干事", duty="组织部干事", role=MemberRole.TEAM, order=2)
    for i in range(posts):
        unit = OrgUnitFactory(name=f"青溪经济开发区第{next(_seq)}局")
        post = PostFactory(unit=unit, title="副局长", level="副科级", is_open_for_competition=True)
        CampaignPost.objects.create(campaign=c, post=post, vacancies=1, conditions="熟悉经济工作" if i == 0 else "", order=i + 1)
    for _ in range(judges):
        j = judge()
        CampaignJudge.objects.create(campaign=c, user=j, name=j.first_name)
    return c


def application(campaign_post: CampaignPost, cadre=None, *, status=AppStatus.SUBMITTED, source=Source.SELF, **extra) -> Application:
    cadre = cadre or qualified_cadre()
    defaults = {
        "achievements": "长期从事经济运行分析工作，牵头完成多项重点项目。",
        "declaration": True,
    }
    if source == Source.MASS:
        defaults.update(recommenders="甲、乙、丙、丁、戊", recommender_count=5)
    if source == Source.ORG:
        defaults.update(recommending_unit="青溪经济开发区经济发展局", recommending_signer="赵局长")
    defaults.update(extra)
    return Application.objects.create(
        campaign=campaign_post.campaign, campaign_post=campaign_post, cadre=cadre, source=source, status=status,
        **defaults,
    )


def posts_of(c: Campaign) -> list[CampaignPost]:
    return list(c.posts.select_related("post", "post__unit").order_by("order", "id"))
