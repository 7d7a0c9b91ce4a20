"""The per-person rows of the demo: education, career (post and rank history), the record row itself,
rewards and sanctions, annual assessments and family. A mixin of ``DemoBuilder`` (which holds the random
generator and the shared state)."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from core.exceptions import ApplicationError

from ..choices import RANK_ORDER
from ..eligibility.dates import age_on
from ..idnumber import make_id_number
from ..models import OrgUnit, Post
from . import data as D
from .dates import add_months, months_between
from .tables import sort_keys


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


class PersonRecords:
    def education(self, p: Person):
        """Rows as (mode, level, degree, school, major, graduated_on), and the month work started."""
        y = p.birth.year
        level = self.weighted(D.EDU_OLD if y <= 1972 else D.EDU_MID if y <= 1985 else D.EDU_YOUNG)
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
        native, area = self.weighted(D.NATIVE_CHOICE)
        if p.local_conflict:
            grew_up = p.unit.locality
        else:
            grew_up = rng.choice(D.LOCAL_PLACES) if rng.random() < 0.35 else rng.choice(D.GREW_UP_POOL)
            if p.post is not None and p.post.needs_local_avoidance and grew_up == p.unit.locality:
                grew_up = "湖州市区"
        birthplace = grew_up if rng.random() < 0.7 else native
        number = self.id_number(area, p.birth, p.gender)
        age = age_on(p.birth, D.AS_OF)
        if p.role != "staff":
            political = self.weighted(D.POLITICS_LEADER)
        elif age < 28:
            political = self.weighted(D.POLITICS_YOUNG)
        else:
            political = self.weighted(D.POLITICS_STAFF)
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
            cadre_id, p.name, p.gender, number, p.birth, self.weighted(D.ETHNICITY_CHOICE), native, birthplace, grew_up,
            political, party_join, work_start, staffing, works_in_organ, self.weighted(D.HEALTH_CHOICE), professional,
            title_level, p.unit.pk, current[3], rank_level, current[5], ranks[-1][1] if ranks else None,
            RANK_ORDER.get(rank_level, 99), *sort_keys(p.name), p.unit.order,
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
        raise ApplicationError("身份证号顺序码用尽")  # 500 people born the same day in one area: not reachable

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
                p.birth + dt.timedelta(days=rng.randint(-1100, 1100)), self.weighted(D.POLITICS_SPOUSE),
                rng.choice(D.SPOUSE_JOBS), "", None, 1,
            ))
            if age >= 29:
                for k in range(self.weighted(D.CHILDREN_CHOICE)):
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
                    self.weighted(D.POLITICS_PARENT), rng.choice(D.PARENT_JOBS_ALIVE), "", None,
                    10 if relation == "父亲" else 11,
                ))
        return rows
