"""Roster export: the import layout (round trip), the sheet's print layout, sorts, command and page."""
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cadre.models import Cadre, OrgUnit
from cadre.roster import import_roster, write_roster
from cadre.tests.factories import AssessmentFactory, CadreFactory, EducationFactory, OrgUnitFactory
from cadre.tests.roster_helpers import sample_xlsx, table_counts
from core.models import BackgroundJob

pytestmark = pytest.mark.django_db


def export(qs=None, **kwargs):
    buf = io.BytesIO()
    count = write_roster(qs if qs is not None else Cadre.objects.all(), buf, **kwargs)
    buf.seek(0)
    return count, buf


def varied_cadres():
    unit = OrgUnitFactory(name="东林镇", kind="乡镇", order=20)
    bureau = OrgUnitFactory(name="区财政局", order=10)
    a = CadreFactory(
        name="王五", gender="女", birth_date=dt.date(1980, 3, 17), unit=unit, position_title="副镇长", rank_level="副科级",
        position_start=dt.date(2021, 7, 15), rank_start=dt.date(2021, 7, 1), work_start_date=dt.date(2002, 8, 1),
        party_join_date=dt.date(2001, 6, 28), ethnicity="03", political_status="中共预备党员", native_place="浙江湖州",
        birthplace="湖州", grew_up_place="吴兴", professional_title="经济师", title_level="中级", health="健康",
        note="挂职（2024.01-2025.12）", staffing_type="参公",
    )
    b = CadreFactory(name="欧阳明", birth_date=dt.date(1975, 1, 1), unit=bureau, position_title="局长", rank_level="正科级",
                     position_start=dt.date(2018, 1, 1), rank_start=dt.date(2018, 1, 1), political_status="群众",
                     ethnicity="02")
    c = CadreFactory(name="丁一", birth_date=dt.date(1990, 12, 31), unit=None, position_title="", rank_level="",
                     ethnicity="56", political_status="民盟盟员")
    EducationFactory(cadre=a, mode="全日制", level="大学本科", degree="学士", school="浙江大学", major="经济学")
    EducationFactory(cadre=a, mode="在职", level="研究生", degree="硕士", school="中央党校", major="政治学 理论")
    EducationFactory(cadre=b, mode="全日制", level="大学专科", school="湖州师院", major="")
    AssessmentFactory(cadre=a, year=2023, grade="优秀")
    AssessmentFactory(cadre=a, year=2025, grade="基本称职")
    AssessmentFactory(cadre=b, year=2024, grade="未定等次")
    return a, b, c


def test_round_trip_is_unchanged(staff_user):
    varied_cadres()
    count, buf = export()
    assert count == 3
    before = table_counts()
    report = import_roster(actor=staff_user, source=buf)
    assert report.ok, [e.line() for e in report.errors]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    after = table_counts()
    assert after.pop("audit") == before.pop("audit") + 1
    assert after == before


def test_round_trip_into_an_empty_database_recreates_the_data(staff_user):
    a, b, c = varied_cadres()
    _, buf = export()
    snapshot = {
        x.id_number: (x.name, x.gender, x.birth_date, x.ethnicity, x.political_status, x.position_start, x.rank_start,
                      x.party_join_date, x.work_start_date, x.unit.name if x.unit else "", x.position_title, x.note,
                      sorted(x.educations.values_list("mode", "level", "degree", "school", "major")),
                      sorted(x.assessments.values_list("year", "grade")))
        for x in Cadre.objects.all()
    }
    Cadre.objects.all().delete()
    report = import_roster(actor=staff_user, source=buf)
    assert report.created == 3
    for x in Cadre.objects.all():
        assert snapshot[x.id_number] == (
            x.name, x.gender, x.birth_date, x.ethnicity, x.political_status, x.position_start, x.rank_start,
            x.party_join_date, x.work_start_date, x.unit.name if x.unit else "", x.position_title, x.note,
            sorted(x.educations.values_list("mode", "level", "degree", "school", "major")),
            sorted(x.assessments.values_list("year", "grade")),
        )


def test_sample_import_then_export_then_import(staff_user):
    import_roster(actor=staff_user, source=sample_xlsx())
    _, buf = export()
    report = import_roster(actor=staff_user, source=buf)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)


def test_layout_title_header_freeze_print_setup():
    a, _b, _c = varied_cadres()
    _, buf = export(title="某开发区干部花名册")
    wb = load_workbook(buf)
    assert wb.sheetnames == ["干部名册"]
    ws = wb["干部名册"]
    header = [c.value for c in ws[2]]
    assert ws["A1"].value == "某开发区干部花名册" and ws["A1"].font.b
    assert [str(r) for r in ws.merged_cells.ranges] == [f"A1:{get_column_letter(len(header))}1"]
    assert header[:5] == ["序号", "姓名", "性别", "身份证号", "出生年月"]
    assert header[-5:] == ["2023年度考核", "2024年度考核", "2025年度考核", "健康状况", "备注"]
    assert all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "C3"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.print_title_rows == "$2:$2"
    assert ws.column_dimensions["D"].width == 21
    wang = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == "王五")
    values = dict(zip(header, wang))
    assert values["身份证号"] == a.id_number and isinstance(values["身份证号"], str)
    assert values["出生年月"] == "1980.03"
    assert values["任现职时间"] == "2021.07.15" and values["任现职级时间"] == "2021.07"
    assert values["民族"] == "回族" and values["政治面貌"] == "中共预备党员"
    assert values["全日制院校及专业"] == "浙江大学 经济学" and values["在职院校及专业"] == "中央党校 政治学 理论"
    assert values["2023年度考核"] == "优秀" and values["2024年度考核"] is None


def test_sorts():
    varied_cadres()

    def names(sort):
        _, buf = export(sort=sort)
        return [r[1] for r in load_workbook(buf)["干部名册"].iter_rows(min_row=3, values_only=True)]

    assert names("position") == ["欧阳明", "王五", "丁一"]  # 正科级, 副科级, none
    assert names("strokes") == ["丁一", "王五", "欧阳明"]  # 2, 4, 8 strokes
    assert names("pinyin") == ["丁一", "欧阳明", "王五"]
    with pytest.raises(ValueError):
        export(sort="age")


def test_query_count_does_not_grow_with_rows():
    varied_cadres()

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            export()
        return len(ctx)

    small = queries()
    for i in range(30):
        c = CadreFactory(name=f"张{chr(0x4E00 + i)}")
        EducationFactory(cadre=c)
        AssessmentFactory(cadre=c, year=2022)
    assert queries() == small <= 5


def test_export_command(tmp_path, capsys):
    varied_cadres()
    path = tmp_path / "out.xlsx"
    call_command("export_roster", str(path), "--sort", "pinyin")
    assert capsys.readouterr().out.strip() == f"exported 3 rows to {path}"
    ws = load_workbook(path)["干部名册"]
    assert [r[1] for r in ws.iter_rows(min_row=3, values_only=True)] == ["丁一", "欧阳明", "王五"]


# ---------------------------------------------------------------- page
@pytest.mark.parametrize("fixture", ["staff_user", "leader_user", "observer_user"])
def test_export_view_allowed_roles(client, request, fixture):
    varied_cadres()
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("cadre:roster-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["干部名册"]
    assert ws["A1"].value == "干部花名册" and ws.max_row == 5


@pytest.mark.parametrize("fixture", ["candidate_user", "judge_user"])
def test_export_view_refused(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("cadre:roster-export")).status_code == 403


def test_export_view_anonymous_goes_to_login(client):
    response = client.get(reverse("cadre:roster-export"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_export_view_applies_list_filters_and_sort(staff_client):
    varied_cadres()
    unit = OrgUnit.objects.get(name="东林镇")
    response = staff_client.get(reverse("cadre:roster-export"), {"unit": unit.pk})
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["干部名册"]
    assert ws["A1"].value == "东林镇干部花名册"
    assert [r[1] for r in ws.iter_rows(min_row=3, values_only=True)] == ["王五"]
    response = staff_client.get(reverse("cadre:roster-export"), {"sort": "strokes"})
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["干部名册"]
    assert [r[1] for r in ws.iter_rows(min_row=3, values_only=True)] == ["丁一", "王五", "欧阳明"]


def test_big_export_runs_as_a_job(staff_client, monkeypatch, django_capture_on_commit_callbacks, client, leader_user):
    from cadre.roster import views as roster_views

    varied_cadres()
    monkeypatch.setattr(roster_views, "INLINE_EXPORT_ROWS", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get(reverse("cadre:roster-export"), {"sort": "pinyin"})
    job = BackgroundJob.objects.get(kind="cadre.roster_export")
    assert response.status_code == 302 and response.url.endswith(f"?job={job.pk}")
    page = staff_client.get(response.url).content.decode()
    assert "查看结果" in page and job.total == 3
    download = staff_client.get(response.url + "&download=1")
    assert download.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["干部名册"]
    assert [r[1] for r in ws.iter_rows(min_row=3, values_only=True)] == ["丁一", "欧阳明", "王五"]
    client.force_login(leader_user)  # someone else's export
    assert client.get(response.url + "&download=1").status_code == 403
