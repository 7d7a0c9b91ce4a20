import datetime as dt

import pytest

from assessment import services
from assessment.models import PeriodicAssessment, SessionStatus, TermReview
from cadre.models import AnnualAssessment
from cadre.tests.factories import CadreFactory, OrgUnitFactory
from core.exceptions import ApplicationError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_staff():
    unit = OrgUnitFactory(name="财政局")
    return unit, [CadreFactory(unit=unit, name=f"财政{i}") for i in range(10)]


def _entries(cadres, excellent):
    return [{"cadre": c, "grade": "优秀" if i < excellent else "称职"} for i, c in enumerate(cadres)]


def test_annual_within_quota(staff_user, unit_staff):
    unit, cadres = unit_staff
    result = services.annual_assessments_save(actor=staff_user, unit=unit, year=2025, entries=_entries(cadres, 2))
    assert result.saved == 10 and result.warnings == []
    assert AnnualAssessment.objects.filter(year=2025, grade="优秀").count() == 2
    assert AnnualAssessment.history.filter(year=2025).count() == 10  # kept in the record history


def test_annual_quota_warning_by_default(staff_user, unit_staff):
    unit, cadres = unit_staff
    result = services.annual_assessments_save(actor=staff_user, unit=unit, year=2025, entries=_entries(cadres, 3))
    assert result.quota.exceeded
    assert result.warnings == ["财政局2025年度：优秀 3 人，超过参加考核人数 10 人的 20%（最多 2 人），请核实。"]
    assert AnnualAssessment.objects.filter(year=2025, grade="优秀").count() == 3
    assert "优秀超比例" in AuditEvent.objects.get(action="annual_assessment.save").summary


def test_annual_quota_hard_limit(staff_user, unit_staff, settings):
    settings.ASSESSMENT_EXCELLENT_QUOTA_HARD = True
    unit, cadres = unit_staff
    with pytest.raises(ApplicationError, match="最多 2 人），不能保存"):
        services.annual_assessments_save(actor=staff_user, unit=unit, year=2025, entries=_entries(cadres, 3))
    assert not AnnualAssessment.objects.exists()


def test_annual_quota_counts_rows_already_stored(staff_user, unit_staff):
    unit, cadres = unit_staff
    services.annual_assessments_save(actor=staff_user, unit=unit, year=2025, entries=_entries(cadres[:5], 2))
    result = services.annual_assessments_save(
        actor=staff_user, unit=unit, year=2025, entries=[{"cadre": cadres[5], "grade": "优秀"}]
    )
    assert (result.quota.assessed, result.quota.excellent, result.quota.allowed) == (6, 3, 1)
    assert result.warnings


def test_annual_validation(staff_user, unit_staff):
    unit, cadres = unit_staff
    outsider = CadreFactory(name="外单位")
    with pytest.raises(ApplicationError, match="未定等次须填写原因"):
        services.annual_assessments_save(actor=staff_user, unit=unit, year=2025, entries=[{"cadre": cadres[0], "grade": "未定等次"}])
    with pytest.raises(ApplicationError, match="干部不属于财政局"):
        services.annual_assessments_save(actor=staff_user, unit=unit, year=2025, entries=[{"cadre": outsider, "grade": "称职"}])
    with pytest.raises(ApplicationError, match="考核结果“良好”无效"):
        services.annual_assessments_save(actor=staff_user, unit=unit, year=2025, entries=[{"cadre": cadres[0], "grade": "良好"}])
    assert not AnnualAssessment.objects.exists()


def test_periodic_assessments(staff_user, cadres):
    q = services.periodic_assessment_create(
        actor=staff_user, cadre=cadres[0], kind="季度", year=2026, quarter=1, assessed_on=dt.date(2026, 4, 5), grade="优秀"
    )
    assert str(q) == "2026年第1季度 优秀"
    with pytest.raises(ApplicationError, match="第1季度已有考核记录"):
        services.periodic_assessment_create(
            actor=staff_user, cadre=cadres[0], kind="季度", year=2026, quarter=1, assessed_on=dt.date(2026, 4, 6), grade="称职"
        )
    with pytest.raises(ApplicationError, match="须填写任务名称"):
        services.periodic_assessment_create(
            actor=staff_user, cadre=cadres[0], kind="专项", year=2026, assessed_on=dt.date(2026, 7, 1), grade="称职"
        )
    s = services.periodic_assessment_create(
        actor=staff_user, cadre=cadres[0], kind="专项", year=2026, task="防汛抢险突击任务",
        assessed_on=dt.date(2026, 7, 20), grade="优秀", comment="连续奋战",
    )
    assert s.quarter is None and PeriodicAssessment.objects.count() == 2


def test_resident_sampling_recorded_and_reproducible(staff_user, cadres):
    people = [f"居民{i:03d}" for i in range(60)]
    a = services.resident_evaluation_create(
        actor=staff_user, title="东林镇群众评价", cadre=cadres[0], population=people, sample_size=12, seed=777
    )
    b = services.resident_evaluation_create(
        actor=staff_user, title="复核", cadre=cadres[0], population=people, sample_size=12, seed=777, create_session=False
    )
    assert a.sample == b.sample and len(a.sample) == 12
    assert services.resident_sample_verify(a)
    a.sample = list(reversed(a.sample))
    assert not services.resident_sample_verify(a)
    assert a.session.option_set == "群众" and a.session.status == SessionStatus.DRAFT
    assert list(a.session.groups.values_list("name", "weight")) == [("群众代表", 100)]
    assert "随机种子 777" in AuditEvent.objects.filter(action="resident_evaluation.create").first().summary
    c = services.resident_evaluation_create(actor=staff_user, title="自动种子", subject_name="某书记", population=people, sample_size=5)
    assert c.seed > 0 and services.resident_sample_verify(c)
    with pytest.raises(ApplicationError, match="超过名单人数"):
        services.resident_evaluation_create(actor=staff_user, title="x", subject_name="y", population=people[:3], sample_size=4)


def test_term_review(staff_user, cadres):
    r = services.term_review_create(
        actor=staff_user, subject_kind="大学生村官", cadre=cadres[0], term_start=dt.date(2023, 8, 1),
        term_end=dt.date(2026, 7, 31), panel=["组织部 李科长", "镇党委 王书记", ""],
        methods=["实地考察", "民意测评", "个别访谈"], result="合格", opinion="任期内表现良好，同意期满考核合格。",
        reviewed_on=dt.date(2026, 8, 10),
    )
    assert r.subject_name == "张三" and r.methods == ["民意测评", "个别访谈", "实地考察"]
    assert r.panel == ["组织部 李科长", "镇党委 王书记"]
    other = services.term_review_create(
        actor=staff_user, subject_kind="挂职干部", subject=cadres[1], panel=["甲"], methods=["查阅资料"],
        result="基本合格", opinion="基本完成挂职任务。", reviewed_on=dt.date(2026, 8, 11),
    )
    assert other.subject == cadres[1] and other.subject_name == "李四"
    with pytest.raises(ApplicationError, match="考核方式须从"):
        services.term_review_create(actor=staff_user, subject_name="某", panel=["甲"], methods=["座谈"], result="合格",
                                    opinion="x", reviewed_on=dt.date(2026, 1, 1))
    with pytest.raises(ApplicationError, match="合格、基本合格 或 不合格"):
        services.term_review_create(actor=staff_user, subject_name="某", panel=["甲"], methods=["民意测评"], result="优秀",
                                    opinion="x", reviewed_on=dt.date(2026, 1, 1))
    assert TermReview.objects.count() == 2
