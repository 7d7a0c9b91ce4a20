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
import math
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cadre import demo_data as D
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
from core import roles
from core.audit import audit

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

    # ------------------------------------------------------------ small random helpers

    def weighted(self, pairs):
        values, weights = zip(*pairs)
        return self.rng.choices(values, weights=weights)[0]

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
        y = p.birth.year
        if y <= 1972:
            mix = [("中专", 22), ("大学专科", 36), ("大学本科", 37), ("研究生", 5)]
        elif y <= 1985:
            mix = [("中专", 4), ("大学专科", 24), ("大学本科", 61), ("研究生", 11)]
        else:
            mix = [("大学专科", 9), ("大学本科", 70), ("研究生", 21)]
        level = self.weighted(mix)
        grad_age = {"研究生": 25, "大学本科": 22, "大学专科": 21, "中专": 19, "高中及以下": 18}[level]
        graduated = dt.date(y + grad_age + (1 if p.birth.month > 8 else 0), 7, 1)
        graduated = min(graduated, add_months(D.LAST_APPOINTMENT, -14))
        major, discipline = self.rng.choice(D.MAJORS)
        if p.unit.code == "QX006" and self.rng.random() < 0.5:
            major, discipline = "侦查学", "法学"
        degree = {"研究生": f"{discipline}硕士", "大学本科": f"{discipline}学士"}.get(level, "")
        rows = [dict(mode="全日制", level=level, degree=degree, school=self.rng.choice(D.SCHOOLS[level]), major=major,
                     graduated_on=graduated)]
        upgrade = {"中专": ("大学专科", 0.5), "大学专科": ("大学本科", 0.6), "大学本科": ("研究生", 0.18)}.get(level)
        if upgrade and self.rng.random() < upgrade[1]:
            up_level = upgrade[0]
            pt_major, pt_discipline = self.rng.choice(D.PART_TIME_MAJORS)
            done = self.month_between(add_months(graduated, 36), add_months(graduated, 150))
            if done <= D.LAST_APPOINTMENT:
                rows.append(dict(
                    mode="在职", level=up_level, school=self.rng.choice(D.PART_TIME_SCHOOLS), major=pt_major,
                    degree={"研究生": f"{pt_discipline}硕士", "大学本科": f"{pt_discipline}学士"}.get(up_level, "")
                    if self.rng.random() < 0.7 else "",
                    graduated_on=done,
                ))
        return rows, add_months(graduated, self.rng.choice([0, 1, 1, 2]))

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

    def person_rows(self, p: Person, all_posts: dict) -> dict:
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
        stints, ranks = self.career(p, work_start, educations[0]["level"], ranked, all_posts)
        native, _w, area = self.weighted([((n, w, a), w) for n, w, a in D.NATIVE_PLACES])
        if p.local_conflict:
            grew_up = p.unit.locality
        else:
            pool = [x for x in D.LOCAL_PLACES + D.OUTSIDE_GREW_UP if x != p.unit.locality or p.role == "staff"]
            grew_up = rng.choice(D.LOCAL_PLACES) if rng.random() < 0.35 else rng.choice(pool)
            if p.post is not None and p.post.needs_local_avoidance and grew_up == p.unit.locality:
                grew_up = "湖州市区"
        birthplace = grew_up if rng.random() < 0.7 else native
        number = self.id_number(area, p.birth, p.gender)
        age = age_on(p.birth, D.AS_OF)
        # politics
        if p.role != "staff":
            political = self.weighted([("中共党员", 96), ("民盟盟员", 1), ("九三学社社员", 1), ("群众", 2)])
        elif age < 28:
            political = self.weighted([("中共党员", 55), ("中共预备党员", 12), ("共青团员", 28), ("群众", 5)])
        else:
            political = self.weighted([("中共党员", 82), ("中共预备党员", 2), ("民进会员", 2), ("民盟盟员", 1), ("群众", 13)])
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
            if t < 0.3:
                title_level = "初级"
            elif t < 0.75:
                title_level = "中级"
            elif t < 0.9:
                title_level = "副高级"
        elif t < 0.1:
            title_level = "中级"
        if title_level:
            professional = rng.choice(D.PROFESSIONAL_TITLES[title_level])
        current = stints[-1]
        cadre = Cadre(
            name=p.name, gender=p.gender, id_number=number, birth_date=p.birth,
            ethnicity=self.weighted(D.ETHNICITY_MIX), native_place=native, birthplace=birthplace, grew_up_place=grew_up,
            political_status=political, party_join_date=party_join, work_start_date=work_start,
            staffing_type=staffing, works_in_organ=works_in_organ, health=self.weighted(D.HEALTH_VALUES),
            professional_title=professional, title_level=title_level,
            unit=p.unit, position_title=current[3], rank_level=ranks[-1][0] if ranks else "",
            position_start=current[5], rank_start=ranks[-1][1] if ranks else None,
        )
        cadre.fill_sort_keys()
        post_rows = []
        for k, (unit, post, seat, title, level, start, method) in enumerate(stints):
            end = stints[k + 1][5] - dt.timedelta(days=1) if k + 1 < len(stints) else None
            post_rows.append(PostHistory(
                unit=unit, post=post, seat=seat if post else None, unit_name=unit.name, title=title,
                level=level or self.level_at(ranks, start), start=start, end=end, method=method,
            ))
        rank_rows = [
            RankHistory(level=level, start=start, end=ranks[k + 1][1] - dt.timedelta(days=1) if k + 1 < len(ranks) else None)
            for k, (level, start) in enumerate(ranks)
        ]
        sanctions, rewards = self.rewards_and_sanctions(p)
        assessments = self.assessments(p, work_start, sanctions)
        family = self.family(p, political)
        self.summary_if_needed(p, cadre)
        if (
            len(self.candidate_idx) < 3 and p.role == "副科级" and not sanctions and p.spouse is None
            and ranks[-1][1] <= add_months(D.AS_OF, -24) and age <= 40
            and all(a.grade in ("优秀", "称职") for a in assessments) and len(assessments) == 5
            and all(self.summary_unit(i) != p.unit.pk for i in self.candidate_idx)
        ):
            self.candidate_idx.append(p.idx)
            self.summary.setdefault(p.idx, {})["unit_pk"] = p.unit.pk
        return dict(
            cadre=cadre, educations=[EducationRecord(**e) for e in educations], posts=post_rows, ranks=rank_rows,
            assessments=assessments, rewards=rewards + sanctions, family=family,
        )

    def summary_unit(self, idx):
        return self.summary.get(idx, {}).get("unit_pk")

    def summary_if_needed(self, p: Person, cadre: Cadre):
        if p.spouse is not None or p.siblings:
            self.summary[p.idx] = dict(
                name=cadre.name, birth=cadre.birth_date, political=cadre.political_status,
                job=f"{p.unit.name}{cadre.position_title}", id_number=cadre.id_number,
            )

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
        rng = self.rng
        rewards, sanctions = [], []
        if rng.random() < 0.06:
            name, issuer = rng.choice(D.REWARDS)
            decided = dt.date(rng.randint(2018, 2025), rng.randint(1, 12), rng.randint(2, 28))
            rewards.append(RewardPunishment(kind="奖励", name=name, reason="工作成绩突出", decided_on=decided, issuer=issuer))
        if rng.random() < 0.025:
            kind, name, months = rng.choice(D.SANCTIONS)
            if rng.random() < 0.45:  # recent: still in its 影响期 on the demo date
                months = max(months, 12)
                decided = dt.date(2026, rng.randint(1, 9), rng.randint(2, 28))
            else:
                decided = dt.date(rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(2, 28))
            end_month = add_months(dt.date(decided.year, decided.month, 1), months)
            effect_end = dt.date(end_month.year, end_month.month, min(decided.day, 28)) - dt.timedelta(days=1)
            issuer = "中共青溪经济开发区纪检监察工委" if kind != "组织处理" else "中共青溪经济开发区工委组织人事部"
            sanctions.append(RewardPunishment(
                kind=kind, name=name, reason=rng.choice(D.SANCTION_REASONS), decided_on=decided, effect_start=decided,
                effect_end=effect_end, issuer=issuer,
            ))
        return sanctions, rewards

    def assessments(self, p: Person, work_start: dt.date, sanctions) -> list[AnnualAssessment]:
        rng = self.rng
        sanction_years = {s.decided_on.year: s for s in sanctions}
        rows = []
        for year in D.ASSESSMENT_YEARS:
            if work_start.year > year:
                continue
            if work_start.year == year:
                if work_start.month <= 9:
                    rows.append(AnnualAssessment(year=year, grade="未定等次", reason="新录用人员试用期内"))
                continue
            if year in sanction_years:
                months = months_between(sanction_years[year].effect_start, sanction_years[year].effect_end)
                rows.append(AnnualAssessment(year=year, grade="基本称职" if months >= 12 else "称职"))
                continue
            r = rng.random()
            if r < 0.008:
                continue  # a missing year: the eligibility engine must report it
            if r < 0.016:
                rows.append(AnnualAssessment(year=year, grade="未定等次", reason=rng.choice(D.UNDETERMINED_REASONS[1:])))
                continue
            if r < 0.03:
                rows.append(AnnualAssessment(year=year, grade="基本称职"))
                continue
            # 优秀 for about 15% of each unit's graded people each year (offset per year so it rotates)
            key = (p.unit.pk, year)
            n = self.excellent_counter.get(key, 0) + 1
            self.excellent_counter[key] = n
            offset = (year * 7 + p.unit.pk * 3) % 7
            excellent = math.floor(0.15 * (n + offset)) > math.floor(0.15 * (n - 1 + offset))
            rows.append(AnnualAssessment(year=year, grade="优秀" if excellent else "称职"))
        return rows

    def family(self, p: Person, political: str) -> list[FamilyMember]:
        rng = self.rng
        rows = []
        age = age_on(p.birth, D.AS_OF)
        spouse_surname = None
        if p.spouse is None and age >= 27 and rng.random() < 0.88:
            spouse_gender = "女" if p.gender == "男" else "男"
            spouse_surname = self.surname()
            rows.append(FamilyMember(
                relation="配偶", name=spouse_surname + self.given_name(spouse_gender),
                birth_date=p.birth + dt.timedelta(days=rng.randint(-1100, 1100)),
                political_status=self.weighted([("中共党员", 45), ("群众", 50), ("民盟盟员", 5)]),
                work_unit_and_post=rng.choice(D.SPOUSE_JOBS), order=1,
            ))
            if age >= 29:
                for k in range(self.weighted([(0, 12), (1, 60), (2, 28)])):
                    born = p.birth + dt.timedelta(days=365 * rng.randint(25, 35) + rng.randint(0, 300))
                    if born >= add_months(D.AS_OF, -12):
                        continue
                    child_gender = rng.choice(["男", "女"])
                    surname = p.surname if p.gender == "男" else spouse_surname
                    child_age = age_on(born, D.AS_OF)
                    rows.append(FamilyMember(
                        relation="儿子" if child_gender == "男" else "女儿", name=surname + self.given_name(child_gender),
                        birth_date=born, political_status="共青团员" if 14 <= child_age < 28 and rng.random() < 0.6 else "群众",
                        work_unit_and_post=D.CHILD_JOBS_YOUNG if child_age < 22 else rng.choice(D.CHILD_JOBS_ADULT),
                        order=2 + k,
                    ))
        for relation, gender, chance in (("父亲", "男", 0.85 if age < 50 else 0.55), ("母亲", "女", 0.9 if age < 50 else 0.65)):
            if rng.random() < chance:
                surname = p.surname if relation == "父亲" else self.surname()
                rows.append(FamilyMember(
                    relation=relation, name=surname + self.given_name(gender),
                    birth_date=p.birth - dt.timedelta(days=365 * rng.randint(23, 32) + rng.randint(0, 300)),
                    political_status=self.weighted([("中共党员", 35), ("群众", 65)]),
                    work_unit_and_post=rng.choice(D.PARENT_JOBS_ALIVE), order=10 if relation == "父亲" else 11,
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
        pk_of: dict[int, int] = {}
        totals = dict.fromkeys(("cadres", "educations", "post_history", "rank_history", "assessments", "rewards", "family"), 0)
        for start in range(0, len(people), CHUNK):
            chunk = people[start:start + CHUNK]
            built = [self.person_rows(p, all_posts) for p in chunk]
            Cadre.objects.bulk_create([b["cadre"] for b in built], batch_size=500)
            for p, b in zip(chunk, built):
                pk_of[p.idx] = b["cadre"].pk
            for key, model, label in (
                ("educations", EducationRecord, "educations"), ("posts", PostHistory, "post_history"),
                ("ranks", RankHistory, "rank_history"), ("assessments", AnnualAssessment, "assessments"),
                ("rewards", RewardPunishment, "rewards"), ("family", FamilyMember, "family"),
            ):
                rows = []
                for b in built:
                    for row in b[key]:
                        row.cadre_id = b["cadre"].pk
                        rows.append(row)
                model.objects.bulk_create(rows, batch_size=1000)
                totals[label] += len(rows)
            totals["cadres"] += len(chunk)
            if self.size >= 10000:
                self.log(f"  已生成 {totals['cadres']}/{len(people)} 名干部（{time.monotonic() - started:.0f} 秒）")
        linked = []
        for p in people:
            others = ([(p.spouse, "配偶")] if p.spouse is not None else []) + p.siblings
            for k, (other, relation) in enumerate(others):
                info = self.summary[other]
                linked.append(FamilyMember(
                    cadre_id=pk_of[p.idx], relation=relation, name=info["name"], birth_date=info["birth"],
                    political_status=info["political"], work_unit_and_post=info["job"], id_number=info["id_number"],
                    relative_cadre_id=pk_of[other], order=1 if relation == "配偶" else 20 + k,
                ))
        FamilyMember.objects.bulk_create(linked)
        totals["family"] += len(linked)
        totals["relatives_in_roster"] = len(linked)
        self.counts.update(totals)
        self.candidate_pks = [pk_of[i] for i in self.candidate_idx]
        self.counts["seconds"] = round(time.monotonic() - started, 1)
        return self.counts


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
        self.stdout.write("")
        self.stdout.write(f"演示账号（仅供演示，密码均为 {D.PASSWORD}）：")
        for username, label in accounts:
            self.stdout.write(f"  {username:<10} {label}")
