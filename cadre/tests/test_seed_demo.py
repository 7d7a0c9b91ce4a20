"""seed_demo: deterministic, idempotent, valid data, accounts with their groups."""
import datetime as dt
import io
import time
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cadre.demo import data as D
from cadre.eligibility import roster_version
from cadre.idnumber import parse_id_number
from cadre.models import (
    AnnualAssessment,
    Cadre,
    EducationRecord,
    FamilyMember,
    OrgUnit,
    Post,
    PostHistory,
    RankHistory,
    RewardPunishment,
)
from cadre.services import post_vacancies
from core import roles
from core.models import AuditEvent
from core.signals import demo_seeded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def roster_only():
    """These tests are about the roster builder: the selection demo (a `demo_seeded` receiver, which appoints
    people to open posts) is tested in selection/tests/test_demo.py."""
    from selection.demo import on_demo_seeded

    demo_seeded.disconnect(dispatch_uid="selection-demo")
    yield
    demo_seeded.connect(on_demo_seeded, dispatch_uid="selection-demo")

ROW_MODELS = (AnnualAssessment, EducationRecord, FamilyMember, PostHistory, RankHistory, RewardPunishment)


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Key fields of everything the demo writes (no primary keys: they differ between databases)."""
    cadres = list(
        Cadre.objects.order_by("id_number").values_list(
            "id_number", "name", "gender", "unit__code", "position_title", "rank_level", "position_start",
            "rank_start", "political_status", "grew_up_place", "staffing_type", "user__username",
        )
    )
    posts = list(Post.objects.order_by("unit__code", "title").values_list("unit__code", "title", "level", "headcount"))
    history = list(
        PostHistory.objects.order_by("cadre__id_number", "start").values_list(
            "cadre__id_number", "start", "end", "unit_name", "title", "post__title", "seat"
        )
    )
    grades = list(AnnualAssessment.objects.order_by("cadre__id_number", "year").values_list("cadre__id_number", "year", "grade"))
    family = list(
        FamilyMember.objects.order_by("cadre__id_number", "order", "name").values_list(
            "cadre__id_number", "relation", "name", "relative_cadre__id_number"
        )
    )
    return cadres, posts, history, grades, family


def wipe_demo():
    """Empty the demo tables (raw deletes: the ORM would send history signals row by row)."""
    with connection.cursor() as cursor:
        for model in (*ROW_MODELS, Cadre, Post, AuditEvent):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
        cursor.execute(f"DELETE FROM {OrgUnit._meta.db_table} WHERE parent_id IS NOT NULL")
        cursor.execute(f"DELETE FROM {OrgUnit._meta.db_table}")
    User.objects.all().delete()


def test_deterministic_across_empty_databases():
    seed("--size", "120", "--seed", "7")
    first = snapshot()
    wipe_demo()
    assert not Cadre.objects.exists()
    seed("--size", "120", "--seed", "7")
    second = snapshot()
    assert first == second
    assert len(first[0]) == 120


def test_another_seed_gives_other_people():
    seed("--size", "60", "--seed", "1")
    first = snapshot()[0]
    wipe_demo()
    seed("--size", "60", "--seed", "2")
    assert snapshot()[0] != first


@pytest.mark.django_db(transaction=True)
def test_seeding_turns_the_roster_version_over():
    """The builder inserts in bulk (no model signals): it sets a new roster version itself, so cached screens,
    roster pages and counts of the empty roster are not served after it."""
    before = roster_version()
    seed("--size", "20")
    assert roster_version() != before


def test_idempotent_second_run_adds_nothing():
    output = seed("--size", "80")
    counts = {m: m.objects.count() for m in (OrgUnit, Post, Cadre, User, *ROW_MODELS)}
    again = seed("--size", "80")
    assert {m: m.objects.count() for m in counts} == counts
    assert "已存在演示数据" in again and "未重复生成" in again
    assert "演示账号" in output and "演示账号" in again
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1


def test_default_size_structure_and_validity():
    output = seed()
    assert "已生成" in output
    assert Cadre.objects.count() == 1000
    units = OrgUnit.objects.count()
    assert 28 <= units <= 32
    root = OrgUnit.objects.get(code=D.ROOT_CODE)
    assert root.parent is None and OrgUnit.objects.filter(parent=root).count() == units - 1
    kinds = Counter(OrgUnit.objects.values_list("kind", flat=True))
    assert kinds["乡镇"] >= 3 and kinds["街道"] >= 3 and kinds["事业单位"] >= 3 and kinds["企业"] == 1
    key_areas = set(OrgUnit.objects.filter(is_key_unit=True).values_list("key_area", flat=True))
    assert {"组织", "纪检监察", "财政", "审计", "公安"} <= key_areas
    assert 180 <= Post.objects.count() <= 220

    # every 身份证号 valid and agreeing with gender and birth date; ages 25–59 on the demo date
    for number, gender, birth in Cadre.objects.values_list("id_number", "gender", "birth_date"):
        parsed = parse_id_number(number)
        assert (parsed.number, parsed.gender, parsed.birth_date) == (number, gender, birth)
        age = D.AS_OF.year - birth.year - ((D.AS_OF.month, D.AS_OF.day) < (birth.month, birth.day))
        assert 25 <= age <= 59

    # headcounts never exceeded; some vacancies left; open posts keep a vacancy
    posts = list(post_vacancies(Post.objects.all()))
    assert all(p.holders <= p.headcount for p in posts)
    leadership = [p for p in posts if p.kind == "领导职务"]
    assert sum(p.headcount - p.holders for p in leadership) >= 10
    open_posts = [p for p in posts if p.is_open_for_competition]
    assert len(open_posts) >= 8 and all(p.holders < p.headcount for p in open_posts)
    assert any(p.is_key_post and p.needs_local_avoidance for p in posts)

    # mix of people
    cadres = list(Cadre.objects.all())
    genders = Counter(c.gender for c in cadres)
    assert genders["女"] > 300 and genders["男"] > 450
    assert Counter(c.ethnicity for c in cadres)["01"] > 900
    staffing = Counter(c.staffing_type for c in cadres)
    assert staffing["公务员"] > 700 and staffing["参公"] and staffing["事业"] and staffing["企业"]
    assert any(c.works_in_organ for c in cadres)
    assert sum(c.title_level == "中级" for c in cadres) > 50
    assert len({c.grew_up_place for c in cadres}) > 8


def test_histories_are_consistent_with_current_position():
    seed("--size", "300")
    posts_by_cadre, ranks_by_cadre = {}, {}
    for row in PostHistory.objects.order_by("cadre_id", "start"):
        posts_by_cadre.setdefault(row.cadre_id, []).append(row)
    for row in RankHistory.objects.order_by("cadre_id", "start"):
        ranks_by_cadre.setdefault(row.cadre_id, []).append(row)
    several = 0
    for cadre in Cadre.objects.all():
        rows = posts_by_cadre[cadre.pk]
        several += len(rows) >= 3
        for a, b in zip(rows, rows[1:]):
            assert a.end == b.start - dt.timedelta(days=1)
        current = rows[-1]
        assert current.end is None
        assert (current.unit_id, current.title, current.start) == (cadre.unit_id, cadre.position_title, cadre.position_start)
        assert rows[0].start == cadre.work_start_date
        ranks = ranks_by_cadre.get(cadre.pk, [])
        if cadre.rank_level:
            assert (ranks[-1].level, ranks[-1].start, ranks[-1].end) == (cadre.rank_level, cadre.rank_start, None)
        for a, b in zip(ranks, ranks[1:]):
            assert a.end == b.start - dt.timedelta(days=1)
            if b.level not in ("副科级", "正科级"):
                assert (b.start - a.start).days >= 365 * 2 - 1  # the ladder's minimum years
        if cadre.rank_level == "正科级":
            fuke = next(r for r in ranks if r.level == "副科级")
            assert (cadre.rank_start - fuke.start).days >= 365 * 2 - 1
    assert several > 20


def test_assessments_education_sanctions_family():
    seed("--size", "400")
    cadres = Cadre.objects.count()
    assert EducationRecord.objects.filter(mode="全日制").count() == cadres
    assert EducationRecord.objects.filter(mode="在职").count() > 40
    grades = Counter(AnnualAssessment.objects.values_list("grade", flat=True))
    total = sum(grades.values())
    assert 0.10 < grades["优秀"] / total < 0.18
    assert grades["称职"] / total > 0.7
    assert grades["基本称职"] and grades["未定等次"]
    assert set(AnnualAssessment.objects.values_list("year", flat=True)) == set(D.ASSESSMENT_YEARS)
    # some people lack a year (must be reported by eligibility, never pass silently)
    per_cadre = Counter(AnnualAssessment.objects.filter(year__in=(2023, 2024, 2025)).values_list("cadre_id", flat=True))
    assert any(n < 3 for n in per_cadre.values())
    sanctions = [r for r in RewardPunishment.objects.all() if r.is_sanction]
    assert sanctions and any(r.in_effect_on(D.AS_OF) for r in sanctions)
    assert any(not r.in_effect_on(D.AS_OF) for r in sanctions)
    relations = Counter(FamilyMember.objects.values_list("relation", flat=True))
    assert relations["配偶"] > 200 and relations["儿子"] + relations["女儿"] > 150 and relations["父亲"] > 150
    linked = list(FamilyMember.objects.filter(relative_cadre__isnull=False).select_related("cadre", "relative_cadre"))
    assert len(linked) >= 6
    for member in linked:
        assert member.name == member.relative_cadre.name
        assert member.id_number == member.relative_cadre.id_number
        # the relation is recorded on both records
        assert FamilyMember.objects.filter(cadre=member.relative_cadre, relative_cadre=member.cadre).exists()
    assert any(m.cadre.unit_id == m.relative_cadre.unit_id and m.relation == "配偶" for m in linked)


def test_local_avoidance_cases_exist():
    seed("--size", "400")
    cases = [
        row for row in PostHistory.objects.filter(end__isnull=True, post__needs_local_avoidance=True).select_related(
            "cadre", "unit"
        )
        if row.cadre.grew_up_place == row.unit.locality
    ]
    assert len(cases) >= 2


def test_accounts_exist_with_groups_and_are_printed():
    output = seed("--size", "200")
    for username, group in (
        ("staff", roles.STAFF), ("leader", roles.LEADER), ("judge", roles.JUDGE), ("observer", roles.OBSERVER),
    ):
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password(D.PASSWORD)
        assert f"  {username}" in output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(D.PASSWORD)
    for n in (1, 2, 3):
        user = User.objects.get(username=f"cadre{n}")
        assert roles.has_role(user, roles.CANDIDATE)
        assert user.cadre.name in output
    assert set(Cadre.objects.filter(user__username__startswith="cadre").values_list("unit", flat=True)).__len__() == 3
    assert "密码均为 demo12345" in output
    assert set(roles.ALL_ROLES) <= set(User.groups.field.related_model.objects.values_list("name", flat=True))


def test_small_run_is_fast():
    started = time.monotonic()
    seed("--size", "50")
    assert Cadre.objects.count() == 50
    assert time.monotonic() - started < 5
    assert all(p.holders <= p.headcount for p in post_vacancies(Post.objects.all()))


def test_size_must_be_sensible():
    with pytest.raises(CommandError, match="至少为10"):
        seed("--size", "3")
