"""`python manage.py seed_demo [--size N] [--seed S]`: a fictional development zone for demos and benchmarks.

- Deterministic: one `random.Random(seed)` drives everything, so the same size and seed give the same data.
- Idempotent: the zone's root unit (code QX000) marks demo data; when it exists nothing is generated again
  (only the role groups and demo accounts are ensured). To rebuild, start from an empty database.
- Fast: rows are written with bulk_create in batches, so `--size 100000` takes about a minute on SQLite.
  Bulk writes bypass django-simple-history, so demo rows start without history entries (history begins with
  the first edit); a single audit row records the seeding.
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cadre import demo_data as D
from cadre.choices import RANK_ORDER
from cadre.idnumber import make_id_number
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
from cadre.sortkeys import pinyin_key, stroke_key
from core import roles
from core.audit import audit
from core.signals import demo_seeded

CHUNK = 2000


# ---------------------------------------------------------------- date helpers (first-of-month arithmetic)


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass
class Person:
    idx: int
    role: str  # 正科级 / 副科级 / staff
    unit: OrgUnit
    spec: tuple
    post: Post | None
    seat: int | None
    gender: str
    birth: dt.date
    surname: str
    given: str
    local_conflict: bool = False
    spouse: int | None = None
    siblings: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.surname + self.given


class DemoBuilder:
    def __init__(self, *, size: int, seed: int, log=None):
        self.size = size
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.used_ids: set[str] = set()
        self.counts: dict[str, int] = {}
        self.excellent_counter: dict[tuple, int] = {}
        self.free_rank_seats: dict[tuple, list[int]] = {}
        self.candidate_idx: list[int] = []
        self.summary: dict[int, dict] = {}
        self.candidate_units: set[int] = set()
        self.candidate_pks: list[int] = []

    # ------------------------------------------------------------ small random helpers

    def weighted(self, choice):
        """`choice` is a (values, cumulative weights) pair built once by `_choice`."""
        values, cum_weights = choice
        return self.rng.choices(values, cum_weights=cum_weights)[0]

    def month_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        span = months_between(lo, hi)
        return add_months(lo, self.rng.randint(0, span)) if span > 0 else lo

    def given_name(self, gender: str) -> str:
        pool = D.MALE_CHARS if gender == "男" else D.FEMALE_CHARS
        first = self.rng.choice(pool + D.NEUTRAL_CHARS)
        if self.rng.random() < 0.25:
            return first
        return first + self.rng.choice(pool)

    def surname(self) -> str:
        if self.rng.random() < 0.004:
            return self.rng.choice(D.COMPOUND_SURNAMES)
        return self.rng.choice(D.SURNAMES)

    # ------------------------------------------------------------ structure

    def build_units(self) -> list[tuple[OrgUnit, tuple]]:
        root_spec = D.ROOT
        root = OrgUnit.objects.create(
            code=root_spec[0], name=root_spec[1], short_name=root_spec[2], kind=root_spec[3], locality=root_spec[4],
            order=10,
        )
        units = [
            OrgUnit(
                code=code, name=name, short_name=short, kind=kind, locality=locality, parent=root,
                is_key_unit=bool(key_area), key_area=key_area, order=20 + i * 10,
            )
            for i, (code, name, short, kind, locality, key_area, *_rest) in enumerate(D.UNITS)
        ]
        OrgUnit.objects.bulk_create(units)
        self.counts["units"] = len(units) + 1
        return list(zip(units, D.UNITS))

    def build_posts(self, units) -> list[Post]:
        posts = []
        for unit, spec in units:
            code, profile = spec[0], spec[6]
            if profile in ("bureau", "office", "department", "commission"):
                template = list(D.ORGAN_POSTS)
                if code in D.EXTRA_DEPUTY:
                    template.insert(2, (D.EXTRA_DEPUTY[code], "副科级", "领导职务", 1, ""))
            else:
                template = {"town": D.TOWN_POSTS, "street": D.STREET_POSTS, "center": D.CENTER_POSTS,
                            "enterprise": D.ENTERPRISE_POSTS}[profile]
            head, deputy = D.HEAD_TITLES.get(profile, ("", ""))
            for order, (title, level, kind, headcount, flags) in enumerate(template, start=1):
                title = title.format(head=head, deputy=deputy)
                is_head = level == "正科级" and order == 1
                key = "K" in flags or (is_head and unit.is_key_unit)
                if code == "QX003" and kind == "领导职务":
                    headcount = min(headcount, 2)
                if code == "QX006" and title == "副局长":
                    headcount = 4
                posts.append(Post(
                    unit=unit, title=title, level=level, kind=kind, headcount=headcount, is_key_post=key,
                    needs_local_avoidance="L" in flags or (is_head and unit.is_key_unit),
                    is_open_for_competition=title in D.OPEN_FOR_COMPETITION.get(code, []),
                    requires_full_time_education="F" in flags, order=order * 10,
                ))
        Post.objects.bulk_create(posts)
        self.counts["posts"] = len(posts)
        return posts

    # ------------------------------------------------------------ who is where

    def plan_people(self, units, posts) -> list[Person]:
        spec_of = {unit.pk: spec for unit, spec in units}
        seats = []
        for post in posts:
            if post.kind != "领导职务":
                self.free_rank_seats[(post.unit_id, post.title)] = list(range(1, post.headcount + 1))
                continue
            for seat in range(1, post.headcount + 1):
                if post.is_open_for_competition and seat == post.headcount:
                    continue  # a post opened for competition keeps a vacancy
                fill = 0.97 if post.level == "正科级" else D.SEAT_FILL_RATE
                if self.rng.random() < fill:
                    seats.append((post, seat))
        max_leaders = max(1, int(self.size * 0.35))
        if len(seats) > max_leaders:
            keep = sorted(self.rng.sample(range(len(seats)), max_leaders))
            seats = [seats[i] for i in keep]
        people: list[Person] = []
        avoidance_seen = 0
        for post, seat in seats:
            level = post.level
            gender = "男" if self.rng.random() < (0.8 if level == "正科级" else 0.7) else "女"
            low, high = (35, 57) if level == "正科级" else (29, 55)
            person = self.new_person(len(people), level, post.unit, spec_of[post.unit_id], gender, low, high)
            person.post, person.seat = post, seat
            if post.needs_local_avoidance:
                person.local_conflict = avoidance_seen % 4 == 0  # a share of 地域回避 cases
                avoidance_seen += 1
            people.append(person)
        staff_units = [(unit, spec) for unit, spec in units if spec[7] > 0]
        weights = [spec[7] for _unit, spec in staff_units]
        for _ in range(self.size - len(people)):
            unit, spec = self.rng.choices(staff_units, weights=weights)[0]
            gender = "男" if self.rng.random() < 0.55 else "女"
            people.append(self.new_person(len(people), "staff", unit, spec, gender, 25, 59))
        self.pair_relatives(people)
        return people

    def new_person(self, idx, role, unit, spec, gender, low, high) -> Person:
        age = self.rng.randint(low, high)
        latest = dt.date(D.AS_OF.year - age, D.AS_OF.month, D.AS_OF.day)
        birth = latest - dt.timedelta(days=self.rng.randint(1, 360))
        if birth.day == 1:
            birth += dt.timedelta(days=1)
        return Person(idx=idx, role=role, unit=unit, spec=spec, post=None, seat=None, gender=gender, birth=birth,
                      surname=self.surname(), given=self.given_name(gender))

    def pair_relatives(self, people: list[Person]) -> None:
        """Some relatives are themselves in the roster (任职回避 cases): spouses, two in the same unit; siblings."""
        adults = [p for p in people if age_on(p.birth, D.AS_OF) >= 28]
        taken: set[int] = set()

        def couple(a: Person, b: Person):
            a.spouse, b.spouse = b.idx, a.idx
            taken.update((a.idx, b.idx))

        # two couples in one unit, one of them a leader there
        staff_by_unit: dict[int, list[Person]] = {}
        for p in adults:
            if p.role == "staff":
                staff_by_unit.setdefault(p.unit.pk, []).append(p)
        pairs = 0
        for leader in [p for p in adults if p.role != "staff"]:
            if pairs >= 2:
                break
            mate = next(
                (p for p in staff_by_unit.get(leader.unit.pk, []) if p.gender != leader.gender and p.idx not in taken
                 and abs((p.birth - leader.birth).days) < 365 * 8),
                None,
            )
            if mate:
                couple(leader, mate)
                pairs += 1
        wanted = max(3, self.size // 120)
        men = [p for p in adults if p.gender == "男" and p.idx not in taken]
        women = [p for p in adults if p.gender == "女" and p.idx not in taken]
        self.rng.shuffle(men)
        self.rng.shuffle(women)
        for man in men:
            if pairs >= wanted:
                break
            woman = next((w for w in women if w.idx not in taken and abs((w.birth - man.birth).days) < 365 * 6), None)
            if woman:
                couple(man, woman)
                pairs += 1
        by_surname: dict[str, list[Person]] = {}
        for p in adults:
            if p.idx not in taken:
                by_surname.setdefault(p.surname, []).append(p)
        wanted, made = max(2, self.size // 250), 0
        for surname in sorted(by_surname):
            group = by_surname[surname]
            for a in group:
                if made >= wanted:
                    break
                b = next((x for x in group if x.idx != a.idx and x.idx not in taken and a.idx not in taken
                          and 365 * 2 < abs((x.birth - a.birth).days) < 365 * 10), None)
                if b is None:
                    continue
                elder, younger = (a, b) if a.birth < b.birth else (b, a)
                # how each one's form names the other
                elder.siblings.append((younger.idx, "弟弟" if younger.gender == "男" else "妹妹"))
                younger.siblings.append((elder.idx, "哥哥" if elder.gender == "男" else "姐姐"))
                taken.update((a.idx, b.idx))
                made += 1

    # ------------------------------------------------------------ one person's record

    def education(self, p: Person):
        """Rows as (mode, level, degree, school, major, graduated_on), and the month work started."""
        y = p.birth.year
        level = self.weighted(EDU_OLD if y <= 1972 else EDU_MID if y <= 1985 else EDU_YOUNG)
        grad_age = {"研究生": 25, "大学本科": 22, "大学专科": 21, "中专": 19, "高中及以下": 18}[level]
        graduated = dt.date(y + grad_age + (1 if p.birth.month > 8 else 0), 7, 1)
        graduated = min(graduated, add_months(D.LAST_APPOINTMENT, -14))
        major, discipline = self.rng.choice(D.MAJORS)
        if p.unit.code == "QX006" and self.rng.random() < 0.5:
            major, discipline = "侦查学", "法学"
        degree = {"研究生": f"{discipline}硕士", "大学本科": f"{discipline}学士"}.get(level, "")
        rows = [("全日制", level, degree, self.rng.choice(D.SCHOOLS[level]), major, graduated)]
        upgrade = {"中专": ("大学专科", 0.5), "大学专科": ("大学本科", 0.6), "大学本科": ("研究生", 0.18)}.get(level)
        if upgrade and self.rng.random() < upgrade[1]:
            up_level = upgrade[0]
            pt_major, pt_discipline = self.rng.choice(D.PART_TIME_MAJORS)
            done = self.month_between(add_months(graduated, 36), add_months(graduated, 150))
            if done <= D.LAST_APPOINTMENT:
                school = self.rng.choice(D.PART_TIME_SCHOOLS)
                up_degree = {"研究生": f"{pt_discipline}硕士", "大学本科": f"{pt_discipline}学士"}.get(up_level, "")
                rows.append(("在职", up_level, up_degree if self.rng.random() < 0.7 else "", school, pt_major, done))
        return rows, add_months(graduated, self.rng.choice((0, 1, 1, 2)))

    def ladder(self, start: dt.date, first_level: str, until: dt.date) -> list[tuple[str, dt.date]]:
        """职级 promotions from `start`, each after ≥ 2 years (domain.md), stopping before `until`."""
        i = D.LADDER.index(first_level)
        rows = [(first_level, start)]
        t = start
        while i + 1 < len(D.LADDER):
            gap = 24 + 12 * self.rng.choice([0, 0, 1, 1, 2, 3, 4]) + self.rng.randint(0, 5)
            if i >= 3:
                gap += 12 * self.rng.randint(1, 4)
            nxt = add_months(t, gap)
            # fewer people climb each higher step; 调研员 ranks are rare at this level
            stop = (0.08, 0.08, 0.15, 0.3, 0.45, 0.8, 0.9)[i] if i < 7 else 1.0
            if nxt >= until or self.rng.random() < stop:
                break
            i += 1
            t = nxt
            rows.append((D.LADDER[i], t))
        return rows

    def career(self, p: Person, work_start: dt.date, edu_level: str, ranked: bool, all_posts: dict):
        """Post history rows, rank history rows and the current-position fields, all consecutive."""
        first_level = "一级科员" if edu_level in ("大学本科", "研究生") else "二级科员"
        staff_title = "科员" if ranked else "工作人员"
        towns = all_posts["town_units"]
        other_units = [u for u in towns if u.pk != p.unit.pk]
        if p.role == "staff":
            ranks = self.ladder(work_start, first_level, D.LAST_APPOINTMENT) if ranked else []
            stints = []  # (unit, post, seat, title, level, start, method)
            arrival = work_start
            if ranked and self.rng.random() < 0.45 and months_between(work_start, D.LAST_APPOINTMENT) > 48:
                arrival = self.month_between(add_months(work_start, 24), add_months(D.LAST_APPOINTMENT, -12))
                stints.append((self.rng.choice(other_units), None, None, staff_title, "", work_start, ""))
            stints.append((p.unit, None, None, staff_title, "", arrival, "平级交流" if stints else ""))
            if ranks:
                level, since = ranks[-1]
                free = self.free_rank_seats.get((p.unit.pk, level))
                if free:
                    seat = free.pop(0)
                    post = all_posts["rank_post"][(p.unit.pk, level)]
                    start = max(since, arrival)
                    if start > arrival:
                        stints.append((p.unit, post, seat, level, level, start, ""))
                    else:
                        stints[-1] = (p.unit, post, seat, level, level, arrival, stints[-1][6])
            return stints, ranks
        # leaders: ladder, then 副科 stints, then (for 正科) 正科 stints
        target_zk = p.role == "正科级"
        earliest = add_months(work_start, 12 * self.rng.randint(4, 7))
        latest = add_months(D.LAST_APPOINTMENT, -24 - self.rng.randint(0, 36)) if target_zk else D.LAST_APPOINTMENT
        if earliest > latest:
            earliest = latest
        p1 = max(self.month_between(earliest, latest), add_months(work_start, 12))
        p1 = min(p1, add_months(D.LAST_APPOINTMENT, -24) if target_zk else D.LAST_APPOINTMENT)
        ranks = self.ladder(work_start, first_level, p1) if ranked else []
        ranks.append(("副科级", p1))
        stints = []
        arrival = work_start
        if self.rng.random() < 0.5 and months_between(work_start, p1) > 36:
            arrival = self.month_between(add_months(work_start, 18), add_months(p1, -12))
            stints.append((self.rng.choice(other_units), None, None, staff_title, "", work_start, ""))
        stints.append((self.rng.choice(all_posts["organ_units"]) if stints else p.unit, None, None, staff_title, "",
                       arrival, "平级交流" if stints else ""))
        if target_zk:
            p2_lo = add_months(p1, 24 + self.rng.randint(0, 12))
            p2 = self.month_between(min(p2_lo, D.LAST_APPOINTMENT), D.LAST_APPOINTMENT)
            ranks.append(("正科级", p2))
            phases = [("副科级", p1, add_months(p2, -1)), ("正科级", p2, D.LAST_APPOINTMENT)]
        else:
            phases = [("副科级", p1, D.LAST_APPOINTMENT)]
        for n, (level, lo, hi) in enumerate(phases):
            last_phase = n == len(phases) - 1
            count = 1 + (self.rng.random() < 0.4) + (self.rng.random() < 0.15)
            room = months_between(lo, hi)
            count = max(1, min(count, room // 18 + 1))
            starts = [lo]
            for _ in range(count - 1):
                starts.append(add_months(starts[-1], 18 + self.rng.randint(0, max(0, room // count - 18))))
            starts = [s for s in starts if s <= hi]
            for k, start in enumerate(starts):
                method = ("竞争上岗" if self.rng.random() < 0.25 else "提拔") if k == 0 else "平级交流"
                if last_phase and k == len(starts) - 1:
                    stints.append((p.unit, p.post, p.seat, p.post.title, level, start, method))
                else:
                    post = self.rng.choice(all_posts["leadership"][level])
                    stints.append((post.unit, post, self.rng.randint(1, post.headcount), post.title, level, start, method))
        return stints, ranks

    def person_rows(self, p: Person, all_posts: dict, cadre_id: int, tables: dict) -> None:
        """Generate one person and queue their rows (plain tuples) in the raw tables."""
        rng = self.rng
        staffing = p.spec[8]
        works_in_organ = False
        if p.role == "staff" and p.unit.kind in ("机关", "乡镇", "街道"):
            r = rng.random()
            if r < 0.05:
                staffing, works_in_organ = "事业", True
            elif r < 0.065:
                staffing, works_in_organ = "企业", True
        ranked = staffing in ("公务员", "参公")
        educations, work_start = self.education(p)
        stints, ranks = self.career(p, work_start, educations[0][1], ranked, all_posts)
        native, area = self.weighted(NATIVE_CHOICE)
        if p.local_conflict:
            grew_up = p.unit.locality
        else:
            grew_up = rng.choice(D.LOCAL_PLACES) if rng.random() < 0.35 else rng.choice(GREW_UP_POOL)
            if p.post is not None and p.post.needs_local_avoidance and grew_up == p.unit.locality:
                grew_up = "湖州市区"
        birthplace = grew_up if rng.random() < 0.7 else native
        number = self.id_number(area, p.birth, p.gender)
        age = age_on(p.birth, D.AS_OF)
        if p.role != "staff":
            political = self.weighted(POLITICS_LEADER)
        elif age < 28:
            political = self.weighted(POLITICS_YOUNG)
        else:
            political = self.weighted(POLITICS_STAFF)
        party_join = None
        if political == "中共党员":
            lo = dt.date(p.birth.year + 19, p.birth.month, 1)
            hi = min(dt.date(p.birth.year + 40, 1, 1), add_months(D.LAST_APPOINTMENT, -14))
            party_join = self.month_between(lo, hi if hi > lo else lo)
        elif political == "中共预备党员":
            party_join = self.month_between(dt.date(2025, 12, 1), D.LAST_APPOINTMENT)
        title_level, professional = "", ""
        t = rng.random()
        if staffing in ("事业", "企业"):
            title_level = "初级" if t < 0.3 else "中级" if t < 0.75 else "副高级" if t < 0.9 else ""
        elif t < 0.1:
            title_level = "中级"
        if title_level:
            professional = rng.choice(D.PROFESSIONAL_TITLES[title_level])
        current = stints[-1]
        rank_level = ranks[-1][0] if ranks else ""
        tables["cadre"].add(
            cadre_id, p.name, p.gender, number, p.birth, self.weighted(ETHNICITY_CHOICE), native, birthplace, grew_up,
            political, party_join, work_start, staffing, works_in_organ, self.weighted(HEALTH_CHOICE), professional,
            title_level, p.unit.pk, current[3], rank_level, current[5], ranks[-1][1] if ranks else None,
            RANK_ORDER.get(rank_level, 99), sort_keys(p.name)[0], sort_keys(p.name)[1], p.unit.order,
        )
        for mode, level, degree, school, major, graduated in educations:
            tables["education"].add(cadre_id, mode, level, degree, school, major, graduated)
        for k, (unit, post, seat, title, level, start, method) in enumerate(stints):
            end = stints[k + 1][5] - dt.timedelta(days=1) if k + 1 < len(stints) else None
            tables["post"].add(
                cadre_id, unit.pk, post.pk if post else None, seat if post else None, unit.name, title,
                level or self.level_at(ranks, start), start, end, method,
            )
        for k, (level, start) in enumerate(ranks):
            tables["rank"].add(cadre_id, level, start, ranks[k + 1][1] - dt.timedelta(days=1) if k + 1 < len(ranks) else None)
        sanctions, rewards = self.rewards_and_sanctions(p)
        for row in rewards + sanctions:
            tables["reward"].add(cadre_id, *row)
        assessments = self.assessments(p, work_start, sanctions)
        for year, grade, reason in assessments:
            tables["assessment"].add(cadre_id, year, grade, reason)
        for row in self.family(p):
            tables["family"].add(cadre_id, *row)
        if p.spouse is not None or p.siblings:
            self.summary[p.idx] = dict(
                name=p.name, birth=p.birth, political=political, job=f"{p.unit.name}{current[3]}", id_number=number,
            )
        if (
            len(self.candidate_idx) < 3 and p.role == "副科级" and not sanctions and p.spouse is None and not p.siblings
            and ranks[-1][1] <= add_months(D.AS_OF, -24) and age <= 40 and len(assessments) == 5
            and all(grade in ("优秀", "称职") for _y, grade, _r in assessments)
            and p.unit.pk not in self.candidate_units
        ):
            self.candidate_idx.append(p.idx)
            self.candidate_units.add(p.unit.pk)

    @staticmethod
    def level_at(ranks, on):
        level = ""
        for lv, start in ranks:
            if start <= on:
                level = lv
        return level

    def id_number(self, area: str, birth: dt.date, gender: str) -> str:
        seq = self.rng.randint(0, 499)
        for step in range(500):
            number = make_id_number(area, birth, (seq + step) % 500, gender)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
        raise CommandError("身份证号顺序码用尽")  # 500 people born the same day in one area: not reachable

    def rewards_and_sanctions(self, p: Person):
        """Rows as (kind, name, reason, decided_on, effect_start, effect_end, issuer)."""
        rng = self.rng
        rewards, sanctions = [], []
        if rng.random() < 0.06:
            name, issuer = rng.choice(D.REWARDS)
            decided = dt.date(rng.randint(2018, 2025), rng.randint(1, 12), rng.randint(2, 28))
            rewards.append(("奖励", name, "工作成绩突出", decided, None, None, issuer))
        if rng.random() < 0.025:
            kind, name, months = rng.choice(D.SANCTIONS)
            if rng.random() < 0.45:  # recent: still in its 影响期 on the demo date
                months = max(months, 12)
                decided = dt.date(2026, rng.randint(1, 9), rng.randint(2, 28))
            else:
                decided = dt.date(rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(2, 28))
            end_month = add_months(dt.date(decided.year, decided.month, 1), months)
            effect_end = dt.date(end_month.year, end_month.month, decided.day) - dt.timedelta(days=1)
            issuer = "中共青溪经济开发区纪检监察工委" if kind != "组织处理" else "中共青溪经济开发区工委组织人事部"
            sanctions.append((kind, name, rng.choice(D.SANCTION_REASONS), decided, decided, effect_end, issuer))
        return sanctions, rewards

    def assessments(self, p: Person, work_start: dt.date, sanctions) -> list[tuple]:
        """Rows as (year, grade, reason)."""
        rng = self.rng
        sanction_years = {s[3].year: s for s in sanctions}
        rows = []
        for year in D.ASSESSMENT_YEARS:
            if work_start.year > year:
                continue
            if work_start.year == year:
                if work_start.month <= 9:
                    rows.append((year, "未定等次", "新录用人员试用期内"))
                continue
            if year in sanction_years:
                months = months_between(sanction_years[year][4], sanction_years[year][5])
                rows.append((year, "基本称职" if months >= 12 else "称职", ""))
                continue
            r = rng.random()
            if r < 0.008:
                continue  # a missing year: the eligibility engine must report it
            if r < 0.016:
                rows.append((year, "未定等次", rng.choice(D.UNDETERMINED_REASONS[1:])))
                continue
            if r < 0.03:
                rows.append((year, "基本称职", ""))
                continue
            # 优秀 for about 15% of each unit's graded people each year (offset per year so it rotates)
            key = (p.unit.pk, year)
            n = self.excellent_counter.get(key, 0) + 1
            self.excellent_counter[key] = n
            offset = (year * 7 + int(p.unit.code[2:]) * 3) % 7
            excellent = math.floor(0.15 * (n + offset)) > math.floor(0.15 * (n - 1 + offset))
            rows.append((year, "优秀" if excellent else "称职", ""))
        return rows

    def family(self, p: Person) -> list[tuple]:
        """Rows as (relation, name, birth_date, political_status, work_unit_and_post, id_number, relative, order)."""
        rng = self.rng
        rows = []
        age = age_on(p.birth, D.AS_OF)
        if p.spouse is None and age >= 27 and rng.random() < 0.88:
            spouse_gender = "女" if p.gender == "男" else "男"
            spouse_surname = self.surname()
            rows.append((
                "配偶", spouse_surname + self.given_name(spouse_gender),
                p.birth + dt.timedelta(days=rng.randint(-1100, 1100)), self.weighted(POLITICS_SPOUSE),
                rng.choice(D.SPOUSE_JOBS), "", None, 1,
            ))
            if age >= 29:
                for k in range(self.weighted(CHILDREN_CHOICE)):
                    born = p.birth + dt.timedelta(days=365 * rng.randint(25, 35) + rng.randint(0, 300))
                    if born >= add_months(D.AS_OF, -12):
                        continue
                    child_gender = rng.choice(("男", "女"))
                    surname = p.surname if p.gender == "男" else spouse_surname
                    child_age = age_on(born, D.AS_OF)
                    rows.append((
                        "儿子" if child_gender == "男" else "女儿", surname + self.given_name(child_gender), born,
                        "共青团员" if 14 <= child_age < 28 and rng.random() < 0.6 else "群众",
                        D.CHILD_JOBS_YOUNG if child_age < 22 else rng.choice(D.CHILD_JOBS_ADULT), "", None, 2 + k,
                    ))
        for relation, gender, chance in (("父亲", "男", 0.85 if age < 50 else 0.55), ("母亲", "女", 0.9 if age < 50 else 0.65)):
            if rng.random() < chance:
                surname = p.surname if relation == "父亲" else self.surname()
                rows.append((
                    relation, surname + self.given_name(gender),
                    p.birth - dt.timedelta(days=365 * rng.randint(23, 32) + rng.randint(0, 300)),
                    self.weighted(POLITICS_PARENT), rng.choice(D.PARENT_JOBS_ALIVE), "", None,
                    10 if relation == "父亲" else 11,
                ))
        return rows

    # ------------------------------------------------------------ writing

    def run(self):
        started = time.monotonic()
        units = self.build_units()
        posts = self.build_posts(units)
        all_posts = {
            "leadership": {
                "副科级": [p for p in posts if p.kind == "领导职务" and p.level == "副科级"],
                "正科级": [p for p in posts if p.kind == "领导职务" and p.level == "正科级"],
            },
            "rank_post": {(p.unit_id, p.title): p for p in posts if p.kind == "职级"},
            "town_units": [u for u, spec in units if u.kind in ("乡镇", "街道")],
            "organ_units": [u for u, spec in units if u.kind == "机关"],
        }
        people = self.plan_people(units, posts)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        first_id = (Cadre.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        tables = {
            "cadre": RawTable(Cadre, CADRE_COLUMNS, constants={
                "expertise": "", "photo": "", "note": "", "status": "在职", "user": None,
                "created_at": now, "updated_at": now,
            }),
            "education": RawTable(EducationRecord, ("cadre", "mode", "level", "degree", "school", "major", "graduated_on")),
            "post": RawTable(PostHistory, ("cadre", "unit", "post", "seat", "unit_name", "title", "level", "start", "end", "method"),
                             constants={"is_secondment": False}),
            "rank": RawTable(RankHistory, ("cadre", "level", "start", "end"), constants={"note": ""}),
            "assessment": RawTable(AnnualAssessment, ("cadre", "year", "grade", "reason")),
            "reward": RawTable(RewardPunishment, ("cadre", "kind", "name", "reason", "decided_on", "effect_start", "effect_end", "issuer")),
            "family": RawTable(FamilyMember, ("cadre", "relation", "name", "birth_date", "political_status",
                                              "work_unit_and_post", "id_number", "relative_cadre", "order")),
        }
        for p in people:
            self.person_rows(p, all_posts, first_id + p.idx, tables)
            if (p.idx + 1) % CHUNK == 0:
                for table in tables.values():
                    table.flush()
                if self.size >= 10000:
                    self.log(f"  已生成 {p.idx + 1}/{len(people)} 名干部（{time.monotonic() - started:.0f} 秒）")
        linked = 0
        for p in people:
            others = ([(p.spouse, "配偶")] if p.spouse is not None else []) + p.siblings
            for k, (other, relation) in enumerate(others):
                info = self.summary[other]
                tables["family"].add(
                    first_id + p.idx, relation, info["name"], info["birth"], info["political"], info["job"],
                    info["id_number"], first_id + other, 1 if relation == "配偶" else 20 + k,
                )
                linked += 1
        for table in tables.values():
            table.flush()
        if connection.vendor == "postgresql":  # explicit ids: move the sequence past them
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Cadre]):
                    cursor.execute(sql)
        names = {"cadre": "cadres", "education": "educations", "post": "post_history", "rank": "rank_history",
                 "assessment": "assessments", "reward": "rewards", "family": "family"}
        self.counts.update({names[key]: table.written for key, table in tables.items()})
        self.counts["relatives_in_roster"] = linked
        self.candidate_pks = [first_id + i for i in self.candidate_idx]
        self.counts["seconds"] = round(time.monotonic() - started, 1)
        return self.counts


class RawTable:
    """Rows queued as tuples and written with executemany: the demo's bulk path (no model instances, no history).

    `fields` are model field names in the order rows are given; `constants` fill the remaining columns.
    """

    def __init__(self, model, fields, constants=None):
        meta = model._meta
        constants = constants or {}
        columns = [meta.get_field(f).column for f in fields] + [meta.get_field(f).column for f in constants]
        qn = connection.ops.quote_name
        head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
        self.sql = head + f"({', '.join(['%s'] * len(columns))})"
        self.values_sql = head + "%s"  # psycopg2's execute_values: many rows per statement
        self.tail = tuple(constants.values())
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, *values):
        self.rows.append(values + self.tail)

    def flush(self):
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                from psycopg2.extras import execute_values

                execute_values(cursor.cursor, self.values_sql, self.rows, page_size=1000)
            else:
                cursor.executemany(self.sql, self.rows)
        self.written += len(self.rows)
        self.rows = []


CADRE_COLUMNS = (
    "id", "name", "gender", "id_number", "birth_date", "ethnicity", "native_place", "birthplace", "grew_up_place",
    "political_status", "party_join_date", "work_start_date", "staffing_type", "works_in_organ", "health",
    "professional_title", "title_level", "unit", "position_title", "rank_level", "position_start", "rank_start",
    "rank_order", "pinyin_key", "stroke_key", "unit_order",
)


@functools.lru_cache(maxsize=None)
def sort_keys(name: str) -> tuple[str, str]:
    return pinyin_key(name), stroke_key(name)


def _choice(pairs):
    values, weights = zip(*pairs)
    return values, list(itertools.accumulate(weights))


NATIVE_CHOICE = _choice([((name, area), weight) for name, weight, area in D.NATIVE_PLACES])
GREW_UP_POOL = D.LOCAL_PLACES + D.OUTSIDE_GREW_UP
ETHNICITY_CHOICE = _choice(D.ETHNICITY_MIX)
HEALTH_CHOICE = _choice(D.HEALTH_VALUES)
POLITICS_LEADER = _choice([("中共党员", 96), ("民盟盟员", 1), ("九三学社社员", 1), ("群众", 2)])
POLITICS_YOUNG = _choice([("中共党员", 55), ("中共预备党员", 12), ("共青团员", 28), ("群众", 5)])
POLITICS_STAFF = _choice([("中共党员", 82), ("中共预备党员", 2), ("民进会员", 2), ("民盟盟员", 1), ("群众", 13)])
POLITICS_SPOUSE = _choice([("中共党员", 45), ("群众", 50), ("民盟盟员", 5)])
POLITICS_PARENT = _choice([("中共党员", 35), ("群众", 65)])
CHILDREN_CHOICE = _choice([(0, 12), (1, 60), (2, 28)])
EDU_OLD = _choice([("中专", 22), ("大学专科", 36), ("大学本科", 37), ("研究生", 5)])
EDU_MID = _choice([("中专", 4), ("大学专科", 24), ("大学本科", 61), ("研究生", 11)])
EDU_YOUNG = _choice([("大学专科", 9), ("大学本科", 70), ("研究生", 21)])


DEMO_ACCOUNTS = [
    # (username, role group or None for the superuser, label, first_name)
    ("admin", None, "超级管理员（可进入 /admin/ 后台）", "系统管理员"),
    ("staff", roles.STAFF, roles.STAFF, "组织部小王"),
    ("leader", roles.LEADER, roles.LEADER, "领导小组成员老李"),
    ("judge", roles.JUDGE, roles.JUDGE, "评委张老师"),
    ("observer", roles.OBSERVER, roles.OBSERVER, "纪检监督员"),
]


def ensure_accounts(candidate_cadres: list[Cadre]) -> list[tuple[str, str]]:
    """Role groups and demo accounts; passwords are only set when an account is created."""
    roles.ensure_groups()
    printed = []
    for username, group, label, first_name in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "is_staff": group is None, "is_superuser": group is None},
        )
        if created:
            user.set_password(D.PASSWORD)
            user.save(update_fields=["password"])
        if group:
            user.groups.add(Group.objects.get(name=group))
        printed.append((username, label))
    candidate_group = Group.objects.get(name=roles.CANDIDATE)
    for n, cadre in enumerate(candidate_cadres, start=1):
        username = f"cadre{n}"
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": cadre.name})
        if created:
            user.set_password(D.PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(candidate_group)
        if cadre.user_id is None and not Cadre.objects.filter(user=user).exists():
            Cadre.objects.filter(pk=cadre.pk).update(user=user)
        linked = Cadre.objects.select_related("unit").filter(user=user).first()
        label = f"{roles.CANDIDATE}（本人档案：{linked.name}，{linked.current_job}）" if linked else roles.CANDIDATE
        printed.append((username, label))
    return printed


def candidate_cadres_for_existing_demo() -> list[Cadre]:
    """On a second run: the records already linked to cadre1..cadre3 (or, if unlinked, the same rule as before)."""
    linked = list(Cadre.objects.filter(user__username__in=["cadre1", "cadre2", "cadre3"]).order_by("user__username"))
    if linked:
        return linked
    picks, units = [], set()
    for cadre in Cadre.objects.filter(rank_level="副科级", user__isnull=True, unit__code__startswith="QX").order_by("id"):
        if cadre.unit_id not in units:
            picks.append(cadre)
            units.add(cadre.unit_id)
        if len(picks) == 3:
            break
    return picks


class Command(BaseCommand):
    help = "生成演示数据：一个虚构的经济开发区（约30个单位、约200个职位、默认1000名干部）及各角色演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=1000, help="干部人数（默认1000；压力测试可用100000）")
        parser.add_argument("--seed", type=int, default=20261123, help="随机种子（相同种子和人数生成相同数据）")

    def handle(self, *args, size, seed, **options):
        if size < 10:
            raise CommandError("--size 至少为10")
        if OrgUnit.objects.filter(code=D.ROOT_CODE).exists():
            existing = Cadre.objects.filter(unit__code__startswith="QX").count()
            self.stdout.write(f"已存在演示数据（{D.ZONE}，{existing} 名干部），未重复生成。如需重建，请使用空数据库。")
            with transaction.atomic():
                accounts = ensure_accounts(candidate_cadres_for_existing_demo())
        else:
            self.stdout.write(f"正在生成演示数据：{D.ZONE}，{size} 名干部，随机种子 {seed} …")
            builder = DemoBuilder(size=size, seed=seed, log=self.stdout.write)
            with transaction.atomic():
                counts = builder.run()
                accounts = ensure_accounts(list(Cadre.objects.filter(pk__in=builder.candidate_pks).order_by("id"))
                                           or candidate_cadres_for_existing_demo())
                audit(actor=None, action="demo.seed", summary=f"生成演示数据：{size} 名干部（种子 {seed}）",
                      data={"size": size, "seed": seed, **counts})
            self.stdout.write(
                "已生成：单位 {units} 个，职位 {posts} 个，干部 {cadres} 名，学历 {educations} 条，任职经历 {post_history} 条，"
                "职级经历 {rank_history} 条，年度考核 {assessments} 条，奖惩 {rewards} 条，家庭成员 {family} 条"
                "（其中名册内亲属 {relatives_in_roster} 条）；用时 {seconds} 秒。".format(**counts)
            )
            self.stdout.write("说明：演示数据批量写入，不生成变更历史记录（首次修改后开始记录）。")
        for _receiver, extra in demo_seeded.send(sender=self.__class__, log=self.stdout.write, today=timezone.localdate()):
            accounts.extend(extra or [])
        self.stdout.write("")
        self.stdout.write(f"演示账号（仅供演示，密码均为 {D.PASSWORD}）：")
        for username, label in accounts:
            self.stdout.write(f"  {username:<10} {label}")
