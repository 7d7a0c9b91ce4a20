"""Pure value parsers of the roster layout (formats.md, Roster Excel)."""
import datetime as dt

import pytest

from cadre.roster import formats as rf


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1981.06", dt.date(1981, 6, 1)),
        ("1981.6", dt.date(1981, 6, 1)),
        ("1981-06", dt.date(1981, 6, 1)),
        ("1981/06", dt.date(1981, 6, 1)),
        ("198106", dt.date(1981, 6, 1)),
        (198106, dt.date(1981, 6, 1)),
        ("1981-06-15", dt.date(1981, 6, 15)),
        ("1981.06.15", dt.date(1981, 6, 15)),
        ("1981/6/15", dt.date(1981, 6, 15)),
        ("1981年6月", dt.date(1981, 6, 1)),
        ("1981年06月", dt.date(1981, 6, 1)),
        ("1981年6月15日", dt.date(1981, 6, 15)),
        (" 1981．06 ", dt.date(1981, 6, 1)),  # full-width point and padding
        ("１９８１.０６", dt.date(1981, 6, 1)),  # full-width digits
        (dt.datetime(1981, 6, 15), dt.date(1981, 6, 15)),  # an Excel date cell
        (dt.date(1981, 6, 1), dt.date(1981, 6, 1)),
        (1981.06, dt.date(1981, 6, 1)),  # a number cell
        (1981.12, dt.date(1981, 12, 1)),
        (1981.2, dt.date(1981, 2, 1)),  # only February can show as .2
    ],
)
def test_accepted_dates(raw, expected):
    assert rf.parse_date(raw) == (expected, None)


def test_blank_date_is_none():
    assert rf.parse_date(None) == (None, None)
    assert rf.parse_date("  ") == (None, None)


def test_numeric_1981_1_is_january_with_warning():
    date, warning = rf.parse_date(1981.1, "General")
    assert date == dt.date(1981, 1, 1)
    assert "可能为1981年10月" in warning


@pytest.mark.parametrize("fmt", ["0.00", "#,##0.00", "0.00_ "])
def test_numeric_1981_1_with_two_decimal_format_is_october(fmt):
    assert rf.parse_date(1981.1, fmt) == (dt.date(1981, 10, 1), None)


def test_text_1981_1_is_january_without_warning():
    assert rf.parse_date("1981.1") == (dt.date(1981, 1, 1), None)


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("1981.13", "月份应为1至12"),
        ("1981-02-30", "不存在"),
        ("81.06", "无法识别的日期"),
        ("去年", "无法识别的日期"),
        ("1850.01", "年份超出范围"),
        (1981, "无法识别的日期"),
        (1981.123, "无法识别的日期"),
    ],
)
def test_rejected_dates(raw, fragment):
    with pytest.raises(rf.ValueProblem) as exc:
        rf.parse_date(raw)
    assert fragment in str(exc.value)


def test_date_text_round_trips():
    for value in (dt.date(2016, 3, 1), dt.date(2016, 3, 15)):
        assert rf.parse_date(rf.date_text(value))[0] == value
    assert rf.date_text(dt.date(2016, 3, 1)) == "2016.03"
    assert rf.date_text(dt.date(2016, 3, 15)) == "2016.03.15"
    assert rf.date_text(None) == ""


def test_gender():
    assert rf.parse_gender("男") == "男"
    assert rf.parse_gender(" 女 ") == "女"
    assert rf.parse_gender("女性") == "女"
    with pytest.raises(rf.ValueProblem, match="性别应为"):
        rf.parse_gender("M")
    with pytest.raises(rf.ValueProblem, match="性别不能为空"):
        rf.parse_gender(None)


@pytest.mark.parametrize(
    "raw, expected",
    [("中共党员", "中共党员"), ("党员", "中共党员"), ("中共预备党员", "中共预备党员"), ("预备党员", "中共预备党员"),
     ("共青团员", "共青团员"), ("团员", "共青团员"), ("群众", "群众"), ("民盟盟员", "民盟盟员"), ("民盟", "民盟盟员"),
     ("九三学社", "九三学社社员"), ("无党派", "无党派人士"), ("", "")],
)
def test_political_status(raw, expected):
    assert rf.parse_political_status(raw) == expected


def test_political_status_unknown():
    with pytest.raises(rf.ValueProblem, match="无法识别的政治面貌「共产主义者」"):
        rf.parse_political_status("共产主义者")


@pytest.mark.parametrize("raw, code", [("汉族", "01"), ("汉", "01"), ("蒙古族", "02"), ("蒙古", "02"), ("基诺族", "56"), ("01", "01"), ("", "")])
def test_ethnicity(raw, code):
    assert rf.parse_ethnicity(raw) == code


def test_ethnicity_unknown():
    with pytest.raises(rf.ValueProblem, match="无法识别的民族"):
        rf.parse_ethnicity("火星族")


@pytest.mark.parametrize("raw, name", [("张三", "张三"), ("张  三", "张三"), ("张\u3000\u3000三", "张三"), (" 欧阳 小明 ", "欧阳小明")])
def test_names_lose_spaces(raw, name):
    assert rf.clean_name(raw) == name


def test_blank_name():
    with pytest.raises(rf.ValueProblem, match="姓名不能为空"):
        rf.clean_name("\u3000")


@pytest.mark.parametrize(
    "raw, level",
    [("研究生", "研究生"), ("硕士研究生", "研究生"), ("大学本科", "大学本科"), ("本科", "大学本科"), ("大学专科", "大学专科"),
     ("大专", "大学专科"), ("专科", "大学专科"), ("中专", "中专"), ("高中", "高中及以下"), ("", "")],
)
def test_education(raw, level):
    assert rf.parse_education(raw) == level


def test_education_unknown():
    with pytest.raises(rf.ValueProblem, match="无法识别的学历「博士后」"):
        rf.parse_education("博士后")


@pytest.mark.parametrize(
    "raw, grade",
    [("优秀", "优秀"), ("称职", "称职"), ("合格", "称职"), ("基本称职", "基本称职"), ("不称职", "不称职"),
     ("未定等次", "未定等次"), ("", None), (None, None)],
)
def test_assessment(raw, grade):
    assert rf.parse_assessment(raw) == grade


def test_assessment_unknown():
    with pytest.raises(rf.ValueProblem, match="无法识别的考核结果「良好」"):
        rf.parse_assessment("良好")


def test_rank_staffing_title_level():
    assert rf.parse_rank_level("正科") == "正科级"
    assert rf.parse_rank_level("四级主任科员") == "四级主任科员"
    assert rf.parse_staffing_type("行政编制") == "公务员"
    assert rf.parse_title_level("副高") == "副高级"
    with pytest.raises(rf.ValueProblem, match="职务层次"):
        rf.parse_rank_level("处长")


def test_school_and_major_split_at_first_whitespace():
    assert rf.split_school_major("浙江大学 经济学") == ("浙江大学", "经济学")
    assert rf.split_school_major("浙江大学\u3000国际 经济学") == ("浙江大学", "国际 经济学")
    assert rf.split_school_major("中央党校") == ("中央党校", "")
    assert rf.split_school_major(None) == ("", "")
    assert rf.join_school_major("浙江大学", "经济学") == "浙江大学 经济学"


def test_header_detection_aliases_and_years():
    assert rf.is_header_row([None, "姓 名", "性别"])
    assert not rf.is_header_row(["某某干部花名册"])
    cmap = rf.map_columns(
        ["公民身份号码", "姓名", "出生日期", "性别", "工作单位", "现任职务", "级别", "任现职务层次时间",
         "全日制毕业院校及专业", "2024年度考核", "2025年度\n考核", "专业技术职务级别", "爱好", None]
    )
    assert cmap.columns["id_number"] == 0 and cmap.columns["birth_date"] == 2
    assert cmap.columns["unit"] == 4 and cmap.columns["position_title"] == 5
    assert cmap.columns["rank_level"] == 6 and cmap.columns["rank_start"] == 7
    assert cmap.columns["ft_school"] == 8 and cmap.columns["title_level"] == 11
    assert cmap.assessments == {2024: 9, 2025: 10}
    assert cmap.unknown == [(12, "爱好")]
    assert cmap.missing_required == []
    assert rf.map_columns(["姓名", "性别"]).missing_required == ["身份证号", "出生年月"]


def test_row_issue_line():
    assert rf.RowIssue(5, "身份证号", "x", "校验位错误").line() == "第5行 身份证号: 校验位错误"
