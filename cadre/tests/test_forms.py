"""Record form: flexible dates, the cadre form's shape, the formsets, and the related-records service."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cadre.forms import (
    AssessmentFormSet,
    CadreForm,
    FlexibleDateField,
    FlexibleDateInput,
    RewardForm,
    education_initial,
    parse_flexible_date,
    record_formsets,
)
from cadre.idnumber import make_id_number
from cadre.models import AnnualAssessment, EducationRecord, FamilyMember
from cadre.services import cadre_records_save
from cadre.tests.factories import AssessmentFactory, CadreFactory, EducationFactory, FamilyMemberFactory
from core.exceptions import ApplicationError
from core.models import AuditEvent


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1985-06-15", dt.date(1985, 6, 15)),
        ("1985.06.15", dt.date(1985, 6, 15)),
        ("1985.06", dt.date(1985, 6, 1)),
        ("1985.6", dt.date(1985, 6, 1)),
        ("1985-06", dt.date(1985, 6, 1)),
        ("1985/6/3", dt.date(1985, 6, 3)),
        ("1985年6月", dt.date(1985, 6, 1)),
        ("1985年6月15日", dt.date(1985, 6, 15)),
        ("198506", dt.date(1985, 6, 1)),
        ("19850615", dt.date(1985, 6, 15)),
        (" 1985．06 ", dt.date(1985, 6, 1)),
        ("", None),
    ],
)
def test_parse_flexible_date(text, expected):
    assert parse_flexible_date(text) == expected


@pytest.mark.parametrize("text", ["1985", "1985.13", "1985-02-30", "85.06", "六月", "1850.01", "1985.06.15.1"])
def test_parse_flexible_date_rejects_with_chinese_message(text):
    with pytest.raises(ValidationError) as exc:
        parse_flexible_date(text)
    assert "日期" in exc.value.messages[0] or "年份" in exc.value.messages[0]


def test_flexible_date_widget_shows_year_month():
    widget = FlexibleDateInput()
    assert widget.format_value(dt.date(2016, 3, 1)) == "2016.03"
    assert widget.format_value(dt.date(2016, 3, 15)) == "2016.03.15"
    field = FlexibleDateField(required=False)
    assert not field.has_changed(dt.date(2016, 3, 1), "2016.03")
    assert field.has_changed(dt.date(2016, 3, 1), "2016.04")


@pytest.mark.django_db
def test_cadre_form_shape_and_service_data():
    number = make_id_number("330502", dt.date(1988, 2, 3), 12, "女")
    form = CadreForm(
        {
            "name": "孙  丽",
            "gender": "女",
            "id_number": f" {number[:9]} {number[9:].lower()} ",
            "birth_date": "",
            "ethnicity": "01",
            "political_status": "群众",
            "staffing_type": "事业",
            "health": "健康",
            "status": "在职",
            "position_start": "2016.03",
        }
    )
    assert form.is_valid(), form.errors
    data = form.service_data()
    assert data["id_number"] == number.upper()
    assert data["birth_date"] is None  # filled from the 身份证号 by the service
    assert data["position_start"] == dt.date(2016, 3, 1)
    assert "photo" not in data  # no upload: leave the photo alone


@pytest.mark.django_db
def test_cadre_form_leaves_id_number_checks_to_the_service():
    # a 15-digit old number passes the form (the service converts and validates it)
    form = CadreForm({"name": "老号", "gender": "男", "id_number": "330502850615123", "ethnicity": "01",
                      "political_status": "群众", "staffing_type": "公务员", "status": "在职"})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_education_initial_has_both_modes():
    cadre = CadreFactory()
    EducationFactory(cadre=cadre, mode="在职", level="研究生", degree="硕士")
    rows = education_initial(cadre)
    assert [r["mode"] for r in rows] == ["全日制", "在职"]
    assert rows[0]["level"] == "" and rows[1]["level"] == "研究生"
    assert [r["mode"] for r in education_initial(None)] == ["全日制", "在职"]


@pytest.mark.django_db
def test_assessment_formset_duplicate_year_and_reason():
    cadre = CadreFactory()
    data = {
        "assess-TOTAL_FORMS": "2", "assess-INITIAL_FORMS": "0",
        "assess-0-year": "2024", "assess-0-grade": "称职",
        "assess-1-year": "2024", "assess-1-grade": "未定等次", "assess-1-reason": "",
    }
    formset = AssessmentFormSet(data, instance=cadre, prefix="assess")
    assert not formset.is_valid()
    assert "未定等次时须填写原因" in str(formset.errors)
    data["assess-1-reason"] = "病假"
    formset = AssessmentFormSet(data, instance=cadre, prefix="assess")
    assert not formset.is_valid()  # the same year twice
    assert formset.non_form_errors()


def test_reward_form_effect_period_order():
    form = RewardForm({"kind": "政务处分", "name": "警告", "decided_on": "2024.05", "effect_start": "2024.05", "effect_end": "2023.05"})
    assert not form.is_valid()
    assert form.errors["effect_end"] == ["影响期止不能早于影响期起"]


@pytest.mark.django_db
def test_record_formsets_for_new_and_existing():
    sets = record_formsets(None)
    assert sets["assessments"].total_form_count() == 1 and sets["educations"].total_form_count() == 2
    cadre = CadreFactory()
    AssessmentFactory(cadre=cadre, year=2023)
    AssessmentFactory(cadre=cadre, year=2024)
    sets = record_formsets(cadre)
    assert [f.instance.year for f in sets["assessments"].forms[:2]] == [2024, 2023]


# ---------------------------------------------------------------- cadre_records_save
@pytest.mark.django_db
def test_records_save_creates_updates_deletes_with_history_and_audit(staff_user):
    cadre = CadreFactory()
    keep = AssessmentFactory(cadre=cadre, year=2023, grade="称职")
    drop = FamilyMemberFactory(cadre=cadre, relation="父亲", name="老李")
    EducationFactory(cadre=cadre, mode="在职", level="大学专科")
    result = cadre_records_save(
        actor=staff_user,
        cadre=cadre,
        educations=[
            {"mode": "全日制", "level": "大学本科", "degree": "学士", "school": "某大学", "major": "", "graduated_on": None},
            {"mode": "在职", "level": "", "degree": "", "school": "", "major": "", "graduated_on": None},
        ],
        assessments=[{"id": keep, "year": 2023, "grade": "优秀", "reason": ""}, {"year": 2024, "grade": "称职"}],
        family=[{"id": drop.pk, "DELETE": True}, {"relation": "配偶", "name": "王芳", "order": 10}],
        rewards=[],
    )
    assert result == {"educations": (1, 0, 1), "assessments": (1, 1, 0), "family": (1, 0, 1), "rewards": (0, 0, 0)}
    assert list(EducationRecord.objects.filter(cadre=cadre).values_list("mode", "level")) == [("全日制", "大学本科")]
    assert dict(AnnualAssessment.objects.filter(cadre=cadre).values_list("year", "grade")) == {2023: "优秀", 2024: "称职"}
    assert list(FamilyMember.objects.filter(cadre=cadre).values_list("name", flat=True)) == ["王芳"]
    assert AnnualAssessment.history.filter(id=keep.pk).first().history_user == staff_user
    event = AuditEvent.objects.get(action="cadre.records_update")
    assert "年度考核新增1条、修改1条、删除0条" in event.summary


@pytest.mark.django_db
def test_records_save_nothing_changed_writes_nothing(staff_user):
    cadre = CadreFactory()
    row = AssessmentFactory(cadre=cadre, year=2023, grade="称职")
    before = AnnualAssessment.history.count()
    result = cadre_records_save(actor=staff_user, cadre=cadre, assessments=[{"id": row.pk, "year": 2023, "grade": "称职", "reason": ""}])
    assert result == {"assessments": (0, 0, 0)}
    assert AnnualAssessment.history.count() == before
    assert not AuditEvent.objects.filter(action="cadre.records_update").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"assessments": [{"year": 2024, "grade": "称职"}, {"year": 2024, "grade": "优秀"}]}, "年度考核第2行：2024年度考核与第1行重复"),
        ({"assessments": [{"year": 2999, "grade": "称职"}]}, "尚未结束"),
        ({"assessments": [{"year": 2024, "grade": "未定等次", "reason": ""}]}, "须填写说明"),
        ({"family": [{"relation": "配偶", "name": "某", "id_number": "330502198001011230"}]}, "家庭成员第1行：身份证号校验位错误"),
        ({"family": [{"relation": "", "name": "某"}]}, "请填写称谓"),
        ({"rewards": [{"kind": "政务处分", "name": "警告", "decided_on": dt.date(2024, 1, 1),
                       "effect_start": dt.date(2024, 1, 1), "effect_end": dt.date(2023, 1, 1)}]}, "影响期止不能早于影响期起"),
        ({"educations": [{"mode": "全日制", "school": "某校"}]}, "请选择全日制学历或填写学位"),
    ],
)
def test_records_save_errors_name_section_and_row(staff_user, kwargs, message):
    cadre = CadreFactory()
    with pytest.raises(ApplicationError) as exc:
        cadre_records_save(actor=staff_user, cadre=cadre, **kwargs)
    assert message in exc.value.message
    assert exc.value.field in {"assessments", "family", "rewards", "educations"}
    assert not AnnualAssessment.objects.filter(cadre=cadre).exists()


@pytest.mark.django_db
def test_records_save_refuses_rows_of_another_record(staff_user):
    mine, other = CadreFactory(), CadreFactory()
    foreign = AssessmentFactory(cadre=other, year=2022)
    with pytest.raises(ApplicationError) as exc:
        cadre_records_save(actor=staff_user, cadre=mine, assessments=[{"id": foreign.pk, "year": 2022, "grade": "优秀"}])
    assert "不属于本人档案" in exc.value.message
    assert AnnualAssessment.objects.get(pk=foreign.pk).grade == "称职"


@pytest.mark.django_db
def test_records_save_year_clash_with_unsubmitted_row(staff_user):
    cadre = CadreFactory()
    AssessmentFactory(cadre=cadre, year=2022)
    with pytest.raises(ApplicationError) as exc:
        cadre_records_save(actor=staff_user, cadre=cadre, assessments=[{"year": 2022, "grade": "优秀"}])
    assert "同一年度只能有一条" in exc.value.message
