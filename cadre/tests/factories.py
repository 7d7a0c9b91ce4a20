import datetime as dt

import factory

from cadre.idnumber import make_id_number
from cadre.models import AnnualAssessment, Cadre, EducationRecord, FamilyMember, OrgUnit, Post


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试单位{n}局")
    code = factory.Sequence(lambda n: f"T{n:05d}")
    kind = "机关"
    order = factory.Sequence(lambda n: n * 10)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    unit = factory.SubFactory(OrgUnitFactory)
    title = factory.Sequence(lambda n: f"副局长{n}")
    level = "副科级"
    headcount = 1


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"测试{chr(0x4E00 + n % 2000)}")
    gender = "男"
    birth_date = dt.date(1985, 6, 15)
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number("330502", o.birth_date, n % 500, o.gender)
    )
    unit = factory.SubFactory(OrgUnitFactory)
    position_title = "科员"
    rank_level = "一级科员"
    political_status = "中共党员"
    staffing_type = "公务员"


class EducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EducationRecord

    cadre = factory.SubFactory(CadreFactory)
    mode = "全日制"
    level = "大学本科"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualAssessment

    cadre = factory.SubFactory(CadreFactory)
    year = 2025
    grade = "称职"


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    cadre = factory.SubFactory(CadreFactory)
    relation = "配偶"
    name = "李某"
