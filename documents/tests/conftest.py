import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile

from cadre.idnumber import make_id_number
from cadre.models import AnnualAssessment, Cadre, EducationRecord, FamilyMember, OrgUnit, PostHistory, RewardPunishment


def jpeg_bytes(color=(180, 40, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (90, 120), color).save(out, format="JPEG", quality=85)
    return out.getvalue()


def make_full_cadre(*, name="张晓明", seq=7, with_photo=True) -> Cadre:
    """A cadre with every section of the 任免审批表 filled (month-precision history dates, as rosters give)."""
    town, _ = OrgUnit.objects.get_or_create(name="东林镇人民政府", defaults={"code": "D001", "kind": "乡镇"})
    finance, _ = OrgUnit.objects.get_or_create(name="财政局", defaults={"code": "D002", "kind": "机关"})
    birth = dt.date(1985, 6, 15)
    cadre = Cadre.objects.create(
        name=name, gender="男", id_number=make_id_number("330521", birth, seq, "男"), birth_date=birth,
        ethnicity="01", native_place="浙江湖州", birthplace="浙江德清", political_status="中共党员",
        party_join_date=dt.date(2006, 5, 1), work_start_date=dt.date(2008, 7, 1), health="健康",
        professional_title="经济师", title_level="中级", expertise="财政预算管理", unit=finance,
        position_title="预算科科长", rank_level="正科级", position_start=dt.date(2021, 3, 1),
    )
    if with_photo:
        cadre.photo.save(f"{cadre.id_number}.jpg", ContentFile(jpeg_bytes()), save=True)
    EducationRecord.objects.create(cadre=cadre, mode="全日制", level="大学本科", degree="经济学学士",
                                   school="浙江财经大学", major="财政学专业")
    EducationRecord.objects.create(cadre=cadre, mode="在职", level="研究生", degree="公共管理硕士",
                                   school="浙江大学", major="公共管理专业")
    PostHistory.objects.create(cadre=cadre, unit=town, unit_name="东林镇人民政府", title="党政办科员",
                               start=dt.date(2008, 7, 1), end=dt.date(2012, 5, 1))
    PostHistory.objects.create(cadre=cadre, unit=town, unit_name="东林镇人民政府", title="财政所副所长",
                               start=dt.date(2012, 5, 1), end=dt.date(2016, 8, 1))
    PostHistory.objects.create(cadre=cadre, unit=finance, unit_name="财政局", title="预算科副科长",
                               start=dt.date(2016, 8, 1), end=dt.date(2021, 3, 1))
    PostHistory.objects.create(cadre=cadre, unit=finance, unit_name="财政局", title="预算科科长",
                               start=dt.date(2021, 3, 1))
    for year, grade in ((2023, "称职"), (2024, "优秀"), (2025, "称职")):
        AnnualAssessment.objects.create(cadre=cadre, year=year, grade=grade)
    RewardPunishment.objects.create(cadre=cadre, kind="奖励", name="记三等功", reason="全区预算绩效改革",
                                    decided_on=dt.date(2019, 12, 1), issuer="开发区管委会")
    FamilyMember.objects.create(cadre=cadre, relation="妻子", name="李丽", birth_date=dt.date(1987, 3, 1),
                                political_status="中共党员", work_unit_and_post="东林中学教师", order=0)
    FamilyMember.objects.create(cadre=cadre, relation="儿子", name="张一鸣", birth_date=dt.date(2014, 9, 1),
                                political_status="群众", work_unit_and_post="东林小学学生", order=1)
    FamilyMember.objects.create(cadre=cadre, relation="父亲", name="张建华", birth_date=dt.date(1958, 1, 1),
                                political_status="中共党员", work_unit_and_post="退休", order=2)
    return cadre


@pytest.fixture
def full_cadre(db):
    return make_full_cadre()
