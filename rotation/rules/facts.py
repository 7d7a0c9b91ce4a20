"""The plain facts the rules read: the policy numbers, a person, a post, a finding, the rule codes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Policy:
    """The numbers of the must-rotate rules (RotationPolicy rows carry them; these are the defaults)."""

    same_post_years: int = 10
    key_post_years: int = 5
    min_years_in_post: int = 2
    retirement_age_male: int = 60
    retirement_age_female: int = 55
    near_retirement_years: int = 2
    no_return_years: int = 5
    min_scope_ratio: float = 0.30
    local_avoidance: bool = True
    kinship_avoidance: bool = True
    exempt_avoidance: bool = True


SENSITIVE_WORDS = ("组织", "人事", "纪检", "监察", "审计", "财务", "会计")
SENSITIVE_AREAS = {"纪检监察", "组织", "人事", "审计"}


@dataclass(frozen=True)
class PersonFacts:
    cadre_id: int
    name: str
    gender: str
    birth_date: dt.date
    unit_id: int | None
    unit_name: str
    post_id: int | None
    post_title: str  # title within the unit (局长)
    post_level: str  # 正科级 / 副科级 / a 职级
    post_kind: str  # 领导职务 / 职级
    position_start: dt.date | None
    is_key_post: bool = False
    needs_local_avoidance: bool = False
    unit_is_key: bool = False
    unit_key_area: str = ""
    unit_locality: str = ""
    grew_up_place: str = ""
    native_place: str = ""

    @property
    def is_leader(self) -> bool:
        return self.post_kind == "领导职务" and self.post_level in ("正科级", "副科级")

    @property
    def is_head(self) -> bool:
        return self.is_leader and self.post_level == "正科级" and not self.post_title.startswith("副")

    @property
    def is_key(self) -> bool:
        return self.is_key_post or (self.unit_is_key and self.is_head)

    @property
    def does_sensitive_work(self) -> bool:
        """组织/人事/纪检/监察/审计/财务 work: by the post title, or any post of such a key unit."""
        return any(w in self.post_title for w in SENSITIVE_WORDS) or self.unit_key_area in SENSITIVE_AREAS

    @property
    def job(self) -> str:
        return f"{self.unit_name}{self.post_title}"


@dataclass(frozen=True)
class Finding:
    rule: str
    rule_name: str
    cadre_id: int
    reason: str
    facts: dict = field(default_factory=dict)
    exempt_reason: str = ""
    related_cadre_id: int | None = None

    @property
    def exempt(self) -> bool:
        return bool(self.exempt_reason)


RULE_SAME_POST = "same_post"
RULE_KEY_POST = "key_post"
RULE_LOCAL = "local"
RULE_KINSHIP = "kinship"
RULE_NAMES = {
    RULE_SAME_POST: "同一职位任职年限",
    RULE_KEY_POST: "重要岗位任职满一届",
    RULE_LOCAL: "地域回避",
    RULE_KINSHIP: "任职回避（亲属）",
}
RULE_KIND = {RULE_SAME_POST: "任职期满交流", RULE_KEY_POST: "任职期满交流", RULE_LOCAL: "回避流", RULE_KINSHIP: "回避流"}


@dataclass(frozen=True)
class PostFacts:
    post_id: int
    unit_id: int
    unit_name: str
    title: str
    level: str
    kind: str
    headcount: int
    holders: int = 0
    is_key_post: bool = False
    needs_local_avoidance: bool = False
    unit_is_key: bool = False
    unit_key_area: str = ""
    unit_locality: str = ""
    unit_kind: str = ""

    @property
    def job(self) -> str:
        return f"{self.unit_name}{self.title}"


def person_at(p: PersonFacts, post: PostFacts, start: dt.date) -> PersonFacts:
    """The person as they would be after taking `post` on `start`."""
    return replace(
        p,
        unit_id=post.unit_id,
        unit_name=post.unit_name,
        post_id=post.post_id,
        post_title=post.title,
        post_level=post.level,
        post_kind=post.kind,
        position_start=start,
        is_key_post=post.is_key_post,
        needs_local_avoidance=post.needs_local_avoidance,
        unit_is_key=post.unit_is_key,
        unit_key_area=post.unit_key_area,
        unit_locality=post.unit_locality,
    )
