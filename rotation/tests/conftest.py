import datetime as dt

import pytest

from cadre.services import sync_current_position
from cadre.tests.factories import AssessmentFactory, CadreFactory, EducationFactory, OrgUnitFactory, PostFactory

AS_OF = dt.date(2026, 3, 1)


class World:
    """A few units, posts and people placed through the records service (post history with seats)."""

    def __init__(self):
        self.finance = OrgUnitFactory(name="财政局", is_key_unit=True, key_area="财政", locality="城关")
        self.audit = OrgUnitFactory(name="审计局", is_key_unit=True, key_area="审计", locality="城关")
        self.town = OrgUnitFactory(name="东林镇", kind="乡镇", locality="东林镇")
        self.posts = {}

    def post(self, unit, title, level="副科级", headcount=1, **kw):
        p = PostFactory(unit=unit, title=title, level=level, headcount=headcount, **kw)
        self.posts[f"{unit.name}{title}"] = p
        return p

    def place(self, name, post, start=dt.date(2018, 3, 1), gender="男", birth=dt.date(1982, 6, 15), **kw):
        c = CadreFactory(name=name, gender=gender, birth_date=birth, unit=post.unit, position_title=post.title,
                         rank_level=post.level, position_start=start, rank_start=start, **kw)
        sync_current_position(c)
        EducationFactory(cadre=c, level="大学本科")
        for year in (2023, 2024, 2025):
            AssessmentFactory(cadre=c, year=year, grade="称职")
        return c


@pytest.fixture
def world(db):
    return World()
