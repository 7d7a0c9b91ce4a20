"""The demo development zone (青溪经济开发区): units, posts, people and their records, deterministic for a
given size and seed. ``DemoBuilder(size=…, seed=…).run()`` writes everything with bulk inserts."""
from __future__ import annotations

import datetime as dt
import random
import time

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from ..eligibility.dates import age_on
from ..models import (
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
from . import data as D
from .dates import add_months, months_between
from .records import Person, PersonRecords
from .tables import CADRE_COLUMNS, CHUNK, RawTable


class DemoBuilder(PersonRecords):
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
