"""The column-stored screen (cadre.eligibility.columns) gives the per-person path's answer for every pair."""
import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre import eligibility as E
from cadre import services
from cadre.eligibility import columns as C
from cadre.eligibility import facts as F
from cadre.eligibility import rules as R
from cadre.models import AnnualAssessment, Cadre, EducationRecord, RankHistory, RewardPunishment
from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory

D = dt.date
AS_OF = D(2026, 6, 30)
RANKS = ["一级科员", "四级主任科员", "二级主任科员", "一级主任科员", "副科级", "副科级", "正科级", "正科级", "三级调研员"]


def varied_roster(n, seed):
    """People with several rank rows (gaps, overlaps, an open end), none at all, missing
    grades, one or two education modes, sanctions in and out of effect."""
    rnd = random.Random(seed)
    units = [OrgUnitFactory(name=f"单位{k}{seed}", kind=kind) for k, kind in enumerate(["机关", "乡镇", "街道", "事业单位"])]
    people = []
    for _ in range(n):
        rank = rnd.choice(RANKS + [""])
        c = CadreFactory(
            birth_date=D(1965, 1, 1) + dt.timedelta(days=rnd.randint(0, 10000)), gender=rnd.choice("男女"),
            rank_level=rank, rank_start=D(2016, 1, 1) + dt.timedelta(days=rnd.randint(0, 3000)) if rnd.random() < 0.8 else None,
            staffing_type=rnd.choice(["公务员", "公务员", "参公", "事业", "企业"]), works_in_organ=rnd.random() < 0.3,
            title_level=rnd.choice(["", "", "初级", "中级", "副高级"]), health=rnd.choice(["健康", "健康", "", "长期病休"]),
            unit=rnd.choice(units + [None]),
        )
        shape = rnd.random()
        if shape > 0.15:
            start = D(2008, 1, 1) + dt.timedelta(days=rnd.randint(0, 3000))
            count = rnd.randint(1, 4)
            for k in range(count):
                end = start + dt.timedelta(days=rnd.randint(0, 2000))
                if k == count - 1 and rnd.random() < 0.6:
                    end = None  # at most one open row (a constraint)
                RankHistory.objects.create(cadre=c, level=rnd.choice(RANKS), start=start, end=end)
                start = (end or start) + dt.timedelta(days=rnd.choice([1, 1, 2, 40, -100]))
        for year in (2023, 2024, 2025):
            if rnd.random() > 0.06:
                AnnualAssessment.objects.create(cadre=c, year=year, grade=rnd.choice(["称职", "称职", "优秀", "基本称职", "未定等次"]))
        for mode in ("全日制", "在职"):
            if rnd.random() < 0.7:
                EducationRecord.objects.create(cadre=c, mode=mode, level=rnd.choice(["中专", "大学专科", "大学本科", "研究生", "高中及以下"]))
        if rnd.random() < 0.15:
            decided = D(2024, 1, 1) + dt.timedelta(days=rnd.randint(0, 900))
            RewardPunishment.objects.create(
                cadre=c, kind=rnd.choice(["党纪处分", "政务处分", "组织处理"]), name="警告", decided_on=decided,
                effect_start=None if rnd.random() < 0.5 else decided, effect_end=None if rnd.random() < 0.2 else decided + dt.timedelta(days=rnd.randint(0, 900)),
            )
        people.append(c)
    return people


def assert_identical(screen, people_by_id, posts, as_of, scope=""):
    checked = 0
    for post in posts:
        col = screen.posts[post.pk]
        for i, cid in enumerate(screen.ids):
            x = E.explain(people_by_id[int(cid)], post, as_of, scope=scope)
            got = (R.APPOINTMENTS[col.appointment[i]], R.RESULTS[col.result[i]], bool(col.manual_open[i]))
            assert got == (x.appointment, x.result, bool(x.manual)), (people_by_id[int(cid)], post, x.rules)
            checked += 1
        built = screen.explanations(post.pk, range(len(screen.ids)))
        assert built == [E.explain(people_by_id[int(cid)], post, as_of, scope=scope) for cid in screen.ids]
    return checked


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_columns_match_the_per_person_path_for_every_pair(seed, leader_user, staff_user):
    people = varied_roster(45, seed)
    posts = [
        PostFactory(level="正科级", title="局长"), PostFactory(level="副科级", title="副局长"),
        PostFactory(level="副科级", title="副主任", requires_full_time_education=True),
        PostFactory(level="二级主任科员", kind="职级", title="二级主任科员"),
    ]
    granted = 0
    for c in people[:20]:
        x = E.explain(c, posts[0], AS_OF)
        if x.failed and all(r.waivable for r in x.failed):
            for r in x.failed:
                services.waiver_grant(actor=leader_user, cadre=c, post=posts[0], rule=r.code, reason="工作需要")
            granted += 1
    services.manual_check_record(actor=staff_user, cadre=people[3], passed=False, reason="考察发现问题")
    services.manual_check_record(actor=staff_user, cadre=people[4], post=posts[1], passed=True, reason="经考察，政治素质好")
    screen = C.screen_columns(E.active_cadres(), posts, AS_OF)
    by_id = {c.pk: c for c in Cadre.objects.all()}
    assert len(screen.ids) == Cadre.objects.filter(status="在职").count()
    assert assert_identical(screen, by_id, posts, AS_OF) == 4 * len(screen.ids)
    for as_of in (D(2021, 3, 1), D(2028, 2, 29)):
        assert_identical(C.screen_columns(E.active_cadres(), posts[:2], as_of), by_id, posts[:2], as_of)


@pytest.mark.django_db
def test_columns_with_strict_manual_and_changed_rule_sets(staff_user):
    people = varied_roster(30, 5)
    post = PostFactory(level="正科级", title="局长")
    params = E.resolve_rule_set("正科").params
    params["strict_manual"] = True
    params["新任"]["age"]["male_cutoff"] = "1980-06-01"
    params["新任"]["tenure"]["leadership_only"] = False
    params["新任"]["education"]["minimum"] = "大学本科"
    params["common"]["assessment"]["years"] = 2
    params["common"]["sanction"]["kinds"] = ["党纪处分", "组织处理"]
    services.rule_set_save(actor=staff_user, level="正科", params=params)
    screen = C.screen_columns(E.active_cadres(), [post], AS_OF)
    assert assert_identical(screen, {c.pk: c for c in people}, [post], AS_OF) == 30


@pytest.mark.django_db
def test_ladder_rule_sets_go_through_the_per_person_engine(staff_user):
    people = varied_roster(12, 6)
    post = PostFactory(level="二级主任科员", kind="职级", title="二级主任科员")
    params = E.resolve_rule_set("正科").params
    params["common"]["ladder"]["on"] = True
    services.rule_set_save(actor=staff_user, level="正科", params=params)
    screen = C.screen_columns(E.active_cadres(), [post], AS_OF)
    assert assert_identical(screen, {c.pk: c for c in people}, [post], AS_OF) == 12


@pytest.mark.django_db
def test_column_screen_query_count_is_constant(django_assert_num_queries):
    posts = [PostFactory(level="正科级", title="局长"), PostFactory(level="副科级", title="副局长")]
    varied_roster(5, 7)
    with CaptureQueriesContext(connection) as small:
        C.screen_columns(E.active_cadres(), posts, AS_OF)
    varied_roster(30, 8)
    with django_assert_num_queries(len(small.captured_queries)):
        screen = C.screen_columns(E.active_cadres(), posts, AS_OF)
    assert len(screen.ids) == Cadre.objects.filter(status="在职").count()
    # rule sets, the roster's size, cadres, ranks held on the day, who has rank rows, the ranks a tenure rule
    # counts, passing assessments, education, sanctions, unit kinds, waivers, manual checks
    assert len(small.captured_queries) == 12
    with django_assert_num_queries(1):  # a page of rows: the people, their history, waivers, checks and rule sets
        screen.explanations(posts[0].pk, range(10))


@pytest.mark.django_db
def test_a_big_roster_reads_whole_tables_and_keeps_only_its_people(monkeypatch, leader_user):
    """Above the size where the history tables are read whole, rows of people off the roster (retired, another
    unit) are dropped here: the same answers as the joined reads."""
    people = varied_roster(30, 11)
    for c in people[::4]:
        Cadre.objects.filter(pk=c.pk).update(status="退休")
    posts = [PostFactory(level="正科级", title="局长"), PostFactory(level="副科级", title="副局长")]
    by_id = {c.pk: c for c in Cadre.objects.all()}
    joined = C.screen_columns(E.active_cadres(), posts, AS_OF)
    monkeypatch.setattr(F, "CONCURRENT_FETCH_MIN_ROWS", 1)
    whole = C.screen_columns(E.active_cadres(), posts, AS_OF)
    assert list(whole.ids) == list(joined.ids) and len(whole.ids) == Cadre.objects.filter(status="在职").count()
    for p in posts:
        for name in ("appointment", "result", "manual_open"):
            assert list(getattr(whole.posts[p.pk], name)) == list(getattr(joined.posts[p.pk], name))
    assert assert_identical(whole, by_id, posts, AS_OF) == 2 * len(whole.ids)
