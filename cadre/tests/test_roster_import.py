"""Roster import (formats.md, Roster Excel): checks, upsert, history, error copy, command and pages."""
import copy
import datetime as dt
import gc
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cadre.bulk import gin_pending_lists_merge
from cadre.models import AnnualAssessment, Cadre, OrgUnit, PostHistory
from cadre.roster import import_roster, write_error_copy
from cadre.tests.factories import CadreFactory, OrgUnitFactory, PostFactory
from cadre.tests.roster_helpers import sample_rows, sample_xlsx, set_cell, table_counts, xlsx
from core.models import AuditEvent, BackgroundJob

pytestmark = pytest.mark.django_db

ZHOU = "330502197904013110"  # first sample row: 周明, 男, 1979.04, 区发改局 局长 正科级 2016.03


def run(rows=None, actor=None, dry_run=False, **kwargs):
    return import_roster(actor=actor, source=xlsx(rows if rows is not None else sample_rows(), **kwargs), dry_run=dry_run)


def only_error(report):
    assert len(report.errors) == 1, [e.line() for e in report.errors]
    return report.errors[0]


# ---------------------------------------------------------------- happy path
def test_sample_imports_everything_in_one_go(staff_user):
    report = run(actor=staff_user)
    assert report.ok and report.written
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert {u["name"]: u["kind"] for u in report.new_units} == {
        "区发改局": "机关", "东林镇": "乡镇", "凤凰街道": "街道", "区委组织部": "机关", "区财政局": "机关",
    }
    zhou = Cadre.objects.get(id_number=ZHOU)
    assert (zhou.name, zhou.gender, zhou.birth_date, zhou.ethnicity) == ("周明", "男", dt.date(1979, 4, 1), "01")
    assert (zhou.unit.name, zhou.position_title, zhou.rank_level) == ("区发改局", "局长", "正科级")
    assert zhou.position_start == dt.date(2016, 3, 1) and zhou.work_start_date == dt.date(2005, 8, 1)
    assert zhou.rank_order == 0 and zhou.pinyin_key == "zhou ming" and zhou.stroke_key.startswith("08")
    edu = zhou.educations.get()
    assert (edu.mode, edu.level, edu.school, edu.major) == ("全日制", "大学本科", "浙江大学", "经济学")
    assert dict(zhou.assessments.values_list("year", "grade")) == {2023: "称职", 2024: "称职", 2025: "称职"}
    post = zhou.post_history.get()
    assert (post.unit_name, post.title, post.level, post.start, post.end) == ("区发改局", "局长", "正科级", dt.date(2016, 3, 1), None)
    assert zhou.rank_history.get().level == "正科级"
    assert zhou.history.get().history_user == staff_user
    event = AuditEvent.objects.get(action="cadre.import_roster")
    assert event.actor == staff_user and event.data["created"] == 6
    assert OrgUnit.objects.get(name="东林镇").kind == "乡镇"


@pytest.mark.django_db(transaction=True)
def test_new_rows_leave_no_pending_list_in_the_search_indexes(staff_user):
    """After the commit the GIN indexes of the name search hold the new rows in the index proper (PostgreSQL; a
    search otherwise scans every pending page until autovacuum); on SQLite there is nothing to merge."""
    report = run(actor=staff_user)
    assert report.written and report.created == 6
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'cadre_cadre' AND indexdef LIKE '%USING gin%'")
            assert cursor.fetchone()[0] == 3
    assert gin_pending_lists_merge(Cadre) == 0  # nothing left to merge
    CadreFactory(name="后来者")  # an ordinary insert goes to the pending list (fastupdate) ...
    if connection.vendor == "postgresql":
        assert gin_pending_lists_merge(Cadre) > 0  # ... which the helper merges
    assert gin_pending_lists_merge(Cadre) == 0


def test_new_units_are_created_like_unit_create(staff_user):
    OrgUnitFactory(name="区审计局", code="U0007")
    run(actor=staff_user)
    names = ["东林镇", "凤凰街道", "区发改局", "区委组织部", "区财政局"]  # in name order, as one by one before
    units = {u.name: u for u in OrgUnit.objects.filter(name__in=names)}
    assert [units[n].code for n in names] == ["U0008", "U0009", "U0010", "U0011", "U0012"]
    assert units["凤凰街道"].kind == "街道" and units["东林镇"].parent is None
    for unit in units.values():
        assert unit.history.get().history_type == "+" and unit.history.get().history_user == staff_user
    events = AuditEvent.objects.filter(action="unit.create").order_by("id")
    assert [(e.summary, e.actor, e.object_id) for e in events] == [
        (f"新建单位 {n}", staff_user, str(units[n].pk)) for n in names
    ]


def test_cycle_collector_paused_during_the_import_only(staff_user):
    seen = []
    report = import_roster(actor=staff_user, source=xlsx(sample_rows()), progress=lambda *a: seen.append(gc.isenabled()))
    assert report.written and seen and not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        run(actor=staff_user)
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()


def test_dry_run_counts_and_writes_nothing(staff_user):
    before = table_counts()
    report = run(actor=staff_user, dry_run=True)
    assert report.ok and not report.written
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert len(report.new_units) == 5
    assert table_counts() == before


def test_reimport_is_unchanged_and_writes_nothing(staff_user):
    run(actor=staff_user)
    before = table_counts()
    histories = Cadre.history.count()
    report = run(actor=staff_user)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    after = table_counts()
    assert after.pop("audit") == before.pop("audit") + 1  # the import itself is recorded
    assert after == before and Cadre.history.count() == histories


def test_update_keeps_history_and_moves_position(staff_user):
    run(actor=staff_user)
    rows = sample_rows()
    set_cell(rows, 0, "单位", "东林镇")
    set_cell(rows, 0, "职务", "党委书记")
    set_cell(rows, 0, "任现职时间", "2024.03")
    set_cell(rows, 0, "职务层次", "正科")
    set_cell(rows, 0, "2025年度考核", "优秀")
    set_cell(rows, 1, "全日制院校及专业", "复旦大学 法学")
    report = run(rows, actor=staff_user)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 4)
    zhou = Cadre.objects.get(id_number=ZHOU)
    assert zhou.unit.name == "东林镇" and zhou.position_title == "党委书记"
    assert [h.position_title for h in zhou.history.order_by("history_date")] == ["局长", "党委书记"]
    assert zhou.history.latest("history_date").history_user == staff_user
    rows_ph = list(zhou.post_history.order_by("start"))
    assert [(r.title, r.end) for r in rows_ph] == [("局长", dt.date(2024, 2, 29)), ("党委书记", None)]
    assert zhou.assessments.get(year=2025).grade == "优秀"
    assert zhou.assessments.get(year=2025).history.count() == 2
    wu = Cadre.objects.get(name="吴芳")
    assert (wu.educations.get().school, wu.educations.get().major) == ("复旦大学", "法学")
    assert wu.history.count() == 1  # only the education changed


def test_rank_change_closes_open_rank_row(staff_user):
    run(actor=staff_user)
    rows = sample_rows()
    set_cell(rows, 3, "职务层次", "三级主任科员")
    set_cell(rows, 3, "任现职级时间", "2025.01")
    run(rows, actor=staff_user)
    sun = Cadre.objects.get(name="孙丽")
    assert [(r.level, r.end) for r in sun.rank_history.order_by("start")] == [
        ("四级主任科员", dt.date(2024, 12, 31)), ("三级主任科员", None)
    ]
    assert sun.rank_order < 99


def test_import_links_post_and_warns_when_full(staff_user):
    unit = OrgUnitFactory(name="区发改局")
    post = PostFactory(unit=unit, title="局长", level="正科级", headcount=1)
    holder = CadreFactory(unit=unit, position_title="局长")
    PostHistory.objects.create(cadre=holder, unit=unit, post=post, seat=1, title="局长", start=dt.date(2015, 1, 1))
    report = run(actor=staff_user)
    assert report.ok
    assert any("职数已满" in w.message and w.row == 3 for w in report.warnings)
    assert Cadre.objects.get(id_number=ZHOU).post_history.get().post is None
    PostHistory.objects.filter(cadre=holder).update(end=dt.date(2016, 1, 1))
    rows = sample_rows()
    set_cell(rows, 0, "任现职时间", "2017.01")
    run(rows, actor=staff_user)
    assert Cadre.objects.get(id_number=ZHOU).post_history.get(end__isnull=True).post == post


def test_blank_assessment_does_not_delete_a_record(staff_user):
    run(actor=staff_user)
    rows = sample_rows()
    set_cell(rows, 0, "2023年度考核", "")
    report = run(rows, actor=staff_user)
    assert report.unchanged == 6
    assert AnnualAssessment.objects.filter(cadre__id_number=ZHOU, year=2023).exists()


def test_header_detection_merged_title_aliases_and_shuffled_columns(staff_user):
    rows = sample_rows()
    header = rows[0]
    aliases = {"身份证号": "公民身份号码", "出生年月": "出生日期", "单位": "工作单位", "职务": "现任职务", "职务层次": "级别",
               "任现职级时间": "任现职务层次时间", "全日制院校及专业": "全日制毕业院校及专业"}
    header = [aliases.get(h, h) for h in header]
    order = list(reversed(range(len(header))))
    shuffled = [[row[i] for i in order] for row in [header] + rows[1:]]
    shuffled[0].append("爱好")
    for row in shuffled[1:]:
        row.append("读书")
    blank_lead = [[None] * len(shuffled[0])]  # an empty row between the title and the header
    report = run(blank_lead + shuffled, actor=staff_user, title="某某开发区机关干部花名册")
    assert report.ok, [e.line() for e in report.errors]
    assert report.header_row == 3 and report.created == 6
    assert [(w.row, w.column, w.message) for w in report.warnings] == [(3, "爱好", "无法识别的列，已忽略")]
    zhou = Cadre.objects.get(id_number=ZHOU)
    assert zhou.rank_start == dt.date(2016, 3, 1) and zhou.unit.name == "区发改局"


def test_no_title_row_and_first_sheet_fallback(staff_user):
    report = run(title=None, sheet="Sheet1", actor=staff_user)
    assert report.ok and report.header_row == 1 and report.sheet == "Sheet1"
    assert any("已读取第一个工作表" in w.message for w in report.warnings)


def test_named_sheet_is_preferred_over_the_first():
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表说明"])
    ws = wb.create_sheet("干部名册")
    for row in sample_rows():
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    report = import_roster(actor=None, source=buf, dry_run=True)
    assert report.ok and report.sheet == "干部名册" and report.created == 6


@pytest.mark.parametrize(
    "value, cell_format, expected, warned",
    [
        ("1981年6月", None, dt.date(1981, 6, 1), False),
        ("1981-06-15", None, dt.date(1981, 6, 15), False),
        ("198106", None, dt.date(1981, 6, 1), False),
        (dt.datetime(1981, 6, 15), "yyyy-mm-dd", dt.date(1981, 6, 15), False),
        (1981.06, "General", dt.date(1981, 6, 1), False),
        (1981.1, "0.00", dt.date(1981, 10, 1), False),
        (1981.1, "General", dt.date(1981, 1, 1), True),
    ],
)
def test_date_cells_in_a_sheet(value, cell_format, expected, warned):
    rows = sample_rows()[:2]
    set_cell(rows, 0, "参加工作时间", value)
    formats = {(1, rows[0].index("参加工作时间")): cell_format} if cell_format else None
    report = import_roster(actor=None, source=xlsx(rows, formats=formats))
    assert report.ok
    assert Cadre.objects.get().work_start_date == expected
    warnings = [w for w in report.warnings if w.column == "参加工作时间"]
    assert bool(warnings) == warned
    if warned:
        assert warnings[0].row == 3 and "可能为1981年10月" in warnings[0].message


def test_values_with_aliases_and_padding():
    rows = sample_rows()[:2]
    set_cell(rows, 0, "姓名", "周\u3000\u3000明")
    set_cell(rows, 0, "政治面貌", "党员")
    set_cell(rows, 0, "民族", "回")
    set_cell(rows, 0, "全日制学历", "本科")
    set_cell(rows, 0, "2024年度考核", "合格")
    set_cell(rows, 0, "身份证号", "330502790401311")  # the old 15-digit number of the same person
    report = import_roster(actor=None, source=xlsx(rows))
    assert report.ok, [e.line() for e in report.errors]
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.political_status, cadre.ethnicity, cadre.id_number) == (
        "周明", "中共党员", "03", "330502197904013110"
    )
    assert cadre.educations.get().level == "大学本科"
    assert cadre.assessments.get(year=2024).grade == "称职"
    assert any("15位身份证号已转换" in w.message for w in report.warnings)


# ---------------------------------------------------------------- errors: nothing written
BAD_CELLS = [
    ("身份证号", "33050219790401311", "身份证号应为18位，实际为17位"),
    ("身份证号", "330502197904013111", "身份证号校验位错误（应为0）"),
    ("身份证号", "3305021979040131AX", "身份证号前17位应为数字，最后一位应为数字或X"),
    ("身份证号", "330502197902303110", "身份证号中的出生日期19790230不是有效日期"),
    ("身份证号", "", "身份证号不能为空"),
    ("出生年月", "1979.05", "身份证号中的出生日期1979.04.01与出生年月1979.05不符", "身份证号"),
    ("出生年月", "", "出生年月不能为空"),
    ("出生年月", "79年4月", "无法识别的日期「79年4月」"),
    ("性别", "女", "身份证号第17位表示男性，与性别「女」不符", "身份证号"),
    ("性别", "未知", "性别应为“男”或“女”，而不是「未知」"),
    ("姓名", "  ", "姓名不能为空"),
    ("民族", "火星族", "无法识别的民族「火星族」"),
    ("政治面貌", "共产主义者", "无法识别的政治面貌「共产主义者」"),
    ("编制类型", "合同工", "无法识别的编制类型「合同工」"),
    ("职务层次", "处长", "无法识别的职务层次「处长」"),
    ("全日制学历", "博士后", "无法识别的学历「博士后」"),
    ("2024年度考核", "良好", "无法识别的考核结果「良好」"),
    ("参加工作时间", "1978.01", "参加工作时间不能早于出生日期"),
    ("任现职时间", "2016.13", "日期「2016.13」的月份应为1至12"),
    ("入党时间", "2004-02-30", "日期「2004-02-30」不存在"),
    ("籍贯", "浙" * 51, "籍贯不能超过50个字符"),
]


@pytest.mark.parametrize("case", BAD_CELLS, ids=[f"{c[0]}:{c[2][:12]}" for c in BAD_CELLS])
def test_bad_cell_is_named_and_nothing_is_written(staff_user, case):
    """Row number as in Excel, the column header, the value, a Chinese message; no table changes.

    A 身份证号 that disagrees with 性别 or 出生年月 is reported on the 身份证号 cell (its value is quoted)."""
    header, value, message = case[:3]
    reported = case[3] if len(case) > 3 else header
    before = table_counts()
    rows = set_cell(sample_rows(), 0, header, value)
    report = run(rows, actor=staff_user)
    error = only_error(report)
    expected_value = value.strip() if reported == header else ZHOU
    assert (error.row, error.column, error.value) == (3, reported, expected_value)
    assert message in error.message
    assert error.col == rows[0].index(reported)
    assert not report.written and table_counts() == before


def test_every_error_at_once(staff_user):
    rows = sample_rows()
    set_cell(rows, 0, "性别", "X")
    set_cell(rows, 2, "出生年月", "1983-13")
    set_cell(rows, 2, "2025年度考核", "良")
    set_cell(rows, 5, "身份证号", "1")
    report = run(rows, actor=staff_user)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "性别"), (5, "出生年月"), (5, "2025年度考核"), (8, "身份证号")
    ]
    assert Cadre.objects.count() == 0 and OrgUnit.objects.count() == 0


def test_duplicate_id_number_is_an_error_on_both_rows(staff_user):
    rows = sample_rows()
    rows.append(copy.copy(rows[1]))
    report = run(rows, actor=staff_user)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "身份证号", "身份证号与第9行重复"), (9, "身份证号", "身份证号与第3行重复"),
    ]
    assert Cadre.objects.count() == 0


def test_duplicate_reported_even_when_the_other_row_has_another_error():
    rows = sample_rows()
    rows.append(copy.copy(rows[1]))
    rows[-1][rows[0].index("民族")] = "火星族"
    report = run(rows)
    assert {(e.row, e.column) for e in report.errors} == {(3, "身份证号"), (9, "身份证号"), (9, "民族")}


def test_errors_in_an_update_leave_the_record_alone(staff_user):
    run(actor=staff_user)
    before = table_counts()
    rows = sample_rows()
    set_cell(rows, 0, "职务", "党委书记")
    set_cell(rows, 1, "性别", "男")
    report = run(rows, actor=staff_user)
    assert only_error(report).row == 4
    assert table_counts() == before
    assert Cadre.objects.get(id_number=ZHOU).position_title == "局长"


def test_missing_required_columns():
    rows = [[c for c in row] for row in sample_rows()]
    drop = [rows[0].index("身份证号"), rows[0].index("出生年月")]
    rows = [[v for i, v in enumerate(row) if i not in drop] for row in rows]
    report = run(rows)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "身份证号", "缺少必填列“身份证号”"), (2, "出生年月", "缺少必填列“出生年月”"),
    ]
    assert Cadre.objects.count() == 0


def test_no_header_row():
    report = run([["张三", "男", ZHOU, "1979.04"]], title="花名册")
    assert "未找到表头行" in only_error(report).message


def test_empty_sheet():
    wb = Workbook()
    wb.active.title = "干部名册"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    assert "是空的" in only_error(import_roster(actor=None, source=buf)).message


def test_header_without_data():
    assert "没有任何干部数据" in only_error(run(sample_rows()[:1])).message


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版Excel（.xls）"),
        ("序号,姓名\n1,张三\n".encode("utf-8"), "不是Excel（.xlsx）格式"),
        (b"PK\x03\x04 this is not really a zip file", "可能已损坏"),
        (b"", "空的"),
    ],
)
def test_files_that_are_not_xlsx(content, fragment):
    error = only_error(import_roster(actor=None, source=io.BytesIO(content)))
    assert error.row is None and fragment in error.message
    assert Cadre.objects.count() == 0


def test_error_copy_has_the_error_column_and_highlights(staff_user):
    rows = sample_rows()
    set_cell(rows, 1, "性别", "X")
    source = xlsx(rows)
    report = import_roster(actor=staff_user, source=source)
    source.seek(0)
    out = io.BytesIO()
    assert write_error_copy(source, report.errors, out) == 1
    out.seek(0)
    ws = load_workbook(out)["干部名册"]
    header = [c.value for c in ws[2]]
    assert header[-1] == "错误说明" and header[:-1] == rows[0]
    assert ws.cell(row=4, column=len(header)).value == "性别：性别应为“男”或“女”，而不是「X」"
    assert ws.cell(row=3, column=len(header)).value is None
    bad = ws.cell(row=4, column=rows[0].index("性别") + 1)
    assert bad.value == "X" and bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=1, column=1).value == "某区干部花名册"
    assert ws.freeze_panes == "A3"


# ---------------------------------------------------------------- command
def test_command_success(tmp_path, capsys):
    path = tmp_path / "r.xlsx"
    path.write_bytes(sample_xlsx().getvalue())
    call_command("import_roster", str(path), "--dry-run")
    assert capsys.readouterr().out.strip() == "created 6, updated 0, unchanged 0"
    assert Cadre.objects.count() == 0
    call_command("import_roster", str(path))
    captured = capsys.readouterr()
    assert captured.out.strip() == "created 6, updated 0, unchanged 0"
    assert "新建单位 东林镇（乡镇）" in captured.err
    call_command("import_roster", str(path))
    assert capsys.readouterr().out.strip() == "created 0, updated 0, unchanged 6"


def test_command_failure_exit_1_one_line_per_error(tmp_path, capsys):
    rows = sample_rows()
    set_cell(rows, 0, "性别", "X")
    set_cell(rows, 4, "出生年月", "abc")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows).getvalue())
    with pytest.raises(SystemExit) as exc:
        call_command("import_roster", str(path))
    assert exc.value.code == 1
    assert capsys.readouterr().out.splitlines() == [
        "第3行 性别: 性别应为“男”或“女”，而不是「X」",
        "第7行 出生年月: 无法识别的日期「abc」，应为1981.06、1981-06、198106、1981年6月或1981-06-15等格式",
    ]
    assert Cadre.objects.count() == 0


def test_command_in_a_subprocess_exit_codes(tmp_path):
    """The real exit status of `manage.py import_roster` (SQLite file database of its own)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    good = tmp_path / "good.xlsx"
    good.write_bytes(sample_xlsx().getvalue())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not an excel file")
    ok = subprocess.run([sys.executable, "manage.py", "import_roster", str(good)], cwd=root, env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip() == "created 6, updated 0, unchanged 0"
    fail = subprocess.run([sys.executable, "manage.py", "import_roster", str(bad)], cwd=root, env=env, capture_output=True, text=True)
    assert fail.returncode == 1 and "不是Excel（.xlsx）格式" in fail.stdout


# ---------------------------------------------------------------- pages
def upload(client, content, name="roster.xlsx"):
    f = io.BytesIO(content)
    f.name = name
    return client.post(reverse("cadre:import"), {"file": f})


def test_upload_preview_confirm_result(staff_client):
    page = staff_client.get(reverse("cadre:import"))
    assert page.status_code == 200 and "上传并检查" in page.content.decode()
    response = upload(staff_client, sample_xlsx().getvalue())
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("cadre:import-preview", args=[job.pk])
    preview = staff_client.get(response.url).content.decode()
    assert "检查通过" in preview and "将新建" in preview and "东林镇（乡镇）" in preview
    assert Cadre.objects.count() == 0
    assert staff_client.get(reverse("cadre:import-confirm", args=[job.pk])).status_code == 405
    response = staff_client.post(reverse("cadre:import-confirm", args=[job.pk]))
    assert response.status_code == 302
    result = staff_client.get(response.url).content.decode()
    assert "导入完成" in result and Cadre.objects.count() == 6
    job.refresh_from_db()
    assert job.result["commit"]["created"] == 6 and job.status == "done"
    staff_client.post(reverse("cadre:import-confirm", args=[job.pk]))  # a second click writes nothing more
    assert AuditEvent.objects.filter(action="cadre.import_roster").count() == 1


def test_preview_with_errors_and_error_copy_download(staff_client):
    rows = sample_rows()
    set_cell(rows, 2, "身份证号", "330502198311013313")
    upload(staff_client, xlsx(rows).getvalue(), name="名册.xlsx")
    job = BackgroundJob.objects.get()
    page = staff_client.get(reverse("cadre:import-preview", args=[job.pk])).content.decode()
    assert "没有写入任何数据" in page and "第5行" in page and "身份证号校验位错误（应为2）" in page
    assert "确认导入" not in page
    response = staff_client.get(reverse("cadre:import-error-copy", args=[job.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["干部名册"]
    assert ws.cell(row=2, column=ws.max_column).value == "错误说明"
    assert "校验位错误" in ws.cell(row=5, column=ws.max_column).value
    assert staff_client.post(reverse("cadre:import-confirm", args=[job.pk])).status_code == 302
    assert Cadre.objects.count() == 0


def test_upload_rejects_non_xlsx_and_oversize(staff_client, settings):
    page = upload(staff_client, "a,b\n".encode(), name="roster.csv").content.decode()
    assert "请上传Excel（.xlsx）文件" in page
    page = upload(staff_client, b"hello world", name="roster.xlsx").content.decode()
    assert "不是Excel（.xlsx）格式" in page
    settings.ROSTER_UPLOAD_MAX_BYTES = 100
    page = upload(staff_client, sample_xlsx().getvalue()).content.decode()
    assert "文件过大" in page
    assert BackgroundJob.objects.count() == 0


def test_big_file_goes_through_the_celery_task(staff_client, monkeypatch, django_capture_on_commit_callbacks):
    from cadre.roster import views as roster_views

    monkeypatch.setattr(roster_views, "INLINE_IMPORT_ROWS", 0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(staff_client, sample_xlsx().getvalue())
    job = BackgroundJob.objects.get()
    page = staff_client.get(response.url).content.decode()
    assert job.status == "pending" and f'hx-get="{reverse("job-status", args=[job.pk])}"' in page
    assert len(callbacks) == 1
    callbacks[0]()  # the worker (eager Celery here) runs the task by id
    callbacks[0]()  # idempotent: running it again changes nothing
    job.refresh_from_db()
    assert job.status == "done" and job.result["preview"]["created"] == 6
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("cadre:import-confirm", args=[job.pk]))
    assert Cadre.objects.count() == 6
    status = staff_client.get(reverse("job-status", args=[job.pk])).content.decode()
    assert "查看结果" in status


@pytest.mark.parametrize("fixture", ["candidate_user", "judge_user", "leader_user", "observer_user"])
def test_import_pages_refuse_other_roles(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    job = BackgroundJob.objects.create(kind="cadre.roster_import", params={"mode": "preview"})
    assert client.get(reverse("cadre:import")).status_code == 403
    assert upload(client, sample_xlsx().getvalue()).status_code == 403
    assert client.get(reverse("cadre:import-preview", args=[job.pk])).status_code == 403
    assert client.post(reverse("cadre:import-confirm", args=[job.pk])).status_code == 403
    assert client.get(reverse("cadre:import-error-copy", args=[job.pk])).status_code == 403
    assert Cadre.objects.filter(name="周明").count() == 0


def test_import_pages_send_anonymous_to_login(client):
    for url in (reverse("cadre:import"), reverse("cadre:import-preview", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
