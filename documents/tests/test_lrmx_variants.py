"""LRMX files as other programs write them (issue 15): value readers, encodings, bad input, and the export
read back by an independent minimal reader of the documented fields."""
import base64
import datetime as dt
import re
from xml.dom import minidom

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.idnumber import make_id_number
from cadre.models import Cadre
from core.exceptions import ApplicationError
from documents import lrmx
from documents.lrmx.resume import read_resume
from documents.lrmx.values import read_assessments, read_date, read_education, read_party

ID = make_id_number("330521", dt.date(1978, 3, 9), 7, "男")
WIDE = str.maketrans("0123456789.", "０１２３４５６７８９．")


# --- pure readers ------------------------------------------------------------------------------------------------
DATE_FORMS = ["{y}.{m:02d}", "{y}{m:02d}", "{y}-{m:02d}", "{y}年{m}月", "{y}.{m}", "{y}{m:02d}01", "{y}/{m}",
              "{y}年{m:02d}月01日", "{y}.{m:02d}.01"]


@given(st.integers(1920, 2099), st.integers(1, 12), st.sampled_from(DATE_FORMS), st.booleans())
def test_every_date_form_reads_to_the_first_of_the_month(year, month, form, wide):
    text = form.format(y=year, m=month)
    assert read_date(text.translate(WIDE) if wide else text) == dt.date(year, month, 1)


@pytest.mark.parametrize("text", ["1999.13", "abc", "99.06", "1999", "2099年13月"])
def test_unreadable_dates_raise_in_chinese(text):
    with pytest.raises(ValueError, match="日期"):
        read_date(text)


@pytest.mark.parametrize("text, expected", [
    ("1999.06", (dt.date(1999, 6, 1), "中共党员")),
    ("199906", (dt.date(1999, 6, 1), "中共党员")),
    ("1999年6月", (dt.date(1999, 6, 1), "中共党员")),
    ("１９９９．０６", (dt.date(1999, 6, 1), "中共党员")),
    ("1999.06入党", (dt.date(1999, 6, 1), "中共党员")),
    ("201001民盟盟员", (dt.date(2010, 1, 1), "民盟盟员")),
    ("2010.01 九三学社", (dt.date(2010, 1, 1), "九三学社社员")),
    ("群众", (None, "群众")),
    ("中共党员", (None, "中共党员")),
    ("预备党员", (None, "中共预备党员")),
    ("无党派", (None, "无党派人士")),
    ("", (None, "")),
    ("无", (None, "")),
])
def test_party_field_holds_a_date_or_a_status(text, expected):
    assert read_party(text) == expected


@given(st.integers(1950, 2030), st.integers(1, 12), st.sampled_from(DATE_FORMS))
def test_party_date_alone_means_member_since_then(year, month, form):
    assert read_party(form.format(y=year, m=month)) == (dt.date(year, month, 1), "中共党员")


@pytest.mark.parametrize("text, expected", [
    ("省委党校研究生", ("研究生", True)), ("中央党校大学", ("大学本科", True)), ("省委党校在职研究生", ("研究生", True)),
    ("市委党校大专", ("大学专科", True)), ("中共浙江省委党校本科", ("大学本科", True)),
    ("大学本科", ("大学本科", False)), ("本科", ("大学本科", False)), ("硕士研究生", ("研究生", False)),
    ("博士", ("研究生", False)), ("大专", ("大学专科", False)), ("中专", ("中专", False)), ("高中", ("高中及以下", False)),
    ("在职研究生", ("研究生", False)), ("", ("", False)),
])
def test_education_levels_and_party_school_flag(text, expected):
    assert read_education(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2025年度考核为称职；2024年度考核为优秀。", {2024: "优秀", 2025: "称职"}),
    ("2021年：称职，2022年：优秀", {2021: "称职", 2022: "优秀"}),
    ("2020年，称职；2021年，优秀；2022年，基本称职", {2020: "称职", 2021: "优秀", 2022: "基本称职"}),
    ("2021、2022年均为称职", {2021: "称职", 2022: "称职"}),
    ("2021年、2022年、2023年度考核均为优秀", {2021: "优秀", 2022: "优秀", 2023: "优秀"}),
    ("2019-2021年度考核均为称职，2022年度优秀", {2019: "称职", 2020: "称职", 2021: "称职", 2022: "优秀"}),
    ("连续三年称职", {2022: "称职", 2023: "称职", 2024: "称职"}),
    ("连续3年年度考核为优秀", {2022: "优秀", 2023: "优秀", 2024: "优秀"}),
    ("2021年合格；2022年不合格", {2021: "称职", 2022: "不称职"}),
    ("２０２３年度：优秀", {2023: "优秀"}),
    ("2021年度考核称职\n2022年度考核称职", {2021: "称职", 2022: "称职"}),
])
def test_assessment_free_text_forms(text, expected):
    items, problems = read_assessments(text, last_year=2024)
    assert problems == [] and {y: g for y, g, _ in items} == expected


def test_assessment_reason_and_problems():
    assert read_assessments("2023年度考核未定等次（新录用）")[0] == [(2023, "未定等次", "新录用")]
    items, problems = read_assessments("2021年度考核为良好")
    assert items == [] and "2021年度没有考核结果" in problems[0]
    assert read_assessments("连续三年称职")[1]  # no fill-in date: the years are unknown


@given(st.lists(st.tuples(st.integers(1990, 2030), st.sampled_from(["优秀", "称职", "基本称职", "不称职"])),
                min_size=1, max_size=6, unique_by=lambda t: t[0]),
       st.sampled_from(["{y}年度考核为{g}", "{y}年：{g}", "{y}年，{g}", "{y}年度{g}"]),
       st.sampled_from(["；", "，", "\n", "。"]))
def test_assessment_lists_read_back(pairs, form, sep):
    text = sep.join(form.format(y=y, g=g) for y, g in pairs)
    items, problems = read_assessments(text)
    assert problems == [] and sorted((y, g) for y, g, _ in items) == sorted(pairs)


def test_resume_variants():
    text = "\r\n".join([
        "2000.07--2003.05  东林镇人民政府科员",
        "2003.05-2008.3　东林镇党政办副主任",
        "　　（2004.09--2007.07在省委党校在职研究生班学习）",
        "2008.03—2012.01 财政局",
        "        预算科科长",
        "200801～201201 另一单位",
        "2012年1月至2015年5月 县委办副主任",
        "2015.05～至今　县委办主任",
        "２０１６．０１--　兼任某职",
    ])
    entries, problems = read_resume(text)
    assert problems == []
    assert [(e.start, e.end, e.text) for e in entries] == [
        (dt.date(2000, 7, 1), dt.date(2003, 5, 1), "东林镇人民政府科员"),
        (dt.date(2003, 5, 1), dt.date(2008, 3, 1), "东林镇党政办副主任（2004.09--2007.07在省委党校在职研究生班学习）"),
        (dt.date(2008, 3, 1), dt.date(2012, 1, 1), "财政局预算科科长"),
        (dt.date(2008, 1, 1), dt.date(2012, 1, 1), "另一单位"),
        (dt.date(2012, 1, 1), dt.date(2015, 5, 1), "县委办副主任"),
        (dt.date(2015, 5, 1), None, "县委办主任"),
        (dt.date(2016, 1, 1), None, "兼任某职"),
    ]


def test_resume_problems_are_reported_not_raised():
    entries, problems = read_resume("前言文字\n2010.05--2008.01 倒序\n2011.13--2012.01 坏月份\n2012.01--2013.01 好")
    assert [e.text for e in entries] == ["好"] and [n for n, _, _ in problems] == [1, 2, 3]


@given(st.lists(st.tuples(st.integers(1980, 2020), st.integers(1, 12), st.integers(0, 5),
                          st.sampled_from(["--", "-", "—", "～", "至"]),
                          st.text("县委办科长主任", min_size=1, max_size=8)), min_size=1, max_size=5))
def test_resume_lines_read_back(rows):
    lines = [f"{y}.{m:02d}{sep}{y + n}.{m:02d}  {t}" for y, m, n, sep, t in rows]
    entries, problems = read_resume("\n".join(lines))
    assert problems == []
    assert [(e.start, e.end, e.text) for e in entries] == [
        (dt.date(y, m, 1), dt.date(y + n, m, 1), t) for y, m, n, _, t in rows
    ]


# --- whole files -------------------------------------------------------------------------------------------------
def foreign_file(**over) -> str:
    """A file the way the national 任免审批表 software writes it (no Version, dotted dates, free text)."""
    values = {
        "XingMing": "李  明", "XingBie": "男", "ChuShengNianYue": "1978.03", "MinZu": "汉", "JiGuan": "浙江湖州",
        "ChuShengDi": "浙江湖州", "RuDangShiJian": "1999.06", "CanJiaGongZuoShiJian": "1997.07",
        "JianKangZhuangKuang": "健康", "QuanRiZhiJiaoYu_XueLi": "大学", "QuanRiZhiJiaoYu_XueWei": "学士",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "浙江大学 经济学", "ZaiZhiJiaoYu_XueLi": "省委党校研究生",
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "浙江省委党校 经济管理",
        "JianLi": "1997.07-2003.05 东林镇人民政府科员\n2003.05-      东林镇党政办主任\n   （2004.09-2007.07在省委党校学习）",
        "NianDuKaoHeJieGuo": "2022、2023年均为称职，2024年度考核为优秀", "ShenFenZheng": ID,
        "TianBiaoShiJian": "2025.03",
    }
    values.update(over)
    body = "".join(f"<{k}>{v}</{k}>" for k, v in values.items() if v is not None)
    family = ("<JiaTingChengYuan><Item><ChengWei>妻子</ChengWei><XingMing>王芳</XingMing>"
              "<ChuShengRiQi>1980.05</ChuShengRiQi><ZhengZhiMianMao>群众</ZhengZhiMianMao>"
              "<GongZuoDanWeiJiZhiWu>东林小学教师</GongZuoDanWeiJiZhiWu></Item></JiaTingChengYuan>")
    return f"<Person>{body}{family}</Person>"


@pytest.mark.django_db
@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    lambda t: ('<?xml version="1.0" encoding="UTF-8"?>\r\n' + t.replace("\n", "\r\n")).encode("utf-8"),
    lambda t: ('<?xml version="1.0" encoding="GB2312"?>\n' + t).encode("gb18030"),
    lambda t: ('<?xml version="1.0" encoding="GBK"?>\n' + t).encode("gbk"),
    lambda t: t.encode("gb18030"),  # undeclared
    lambda t: t.encode("utf-16"),
    lambda t: "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in t).encode("ascii"),
], ids=["utf8", "bom", "crlf", "gb2312", "gbk", "gb-undeclared", "utf16", "ncr"])
def test_foreign_file_in_any_encoding_imports(encode, staff_user):
    result = lrmx.import_person(encode(foreign_file()), actor=staff_user, name="李明.lrmx")
    c = Cadre.objects.get(pk=result.cadre.pk)
    assert (c.name, c.gender, c.birth_date, c.political_status, c.party_join_date) == (
        "李明", "男", dt.date(1978, 3, 9), "中共党员", dt.date(1999, 6, 1))  # the day from the 身份证号
    assert c.work_start_date == dt.date(1997, 7, 1)
    assert [(p.start, p.end, p.title) for p in c.post_history.order_by("start")] == [
        (dt.date(1997, 7, 1), dt.date(2003, 5, 1), "东林镇人民政府科员"),
        (dt.date(2003, 5, 1), None, "东林镇党政办主任（2004.09-2007.07在省委党校学习）"),
    ]
    assert {a.year: a.grade for a in c.assessments.all()} == {2022: "称职", 2023: "称职", 2024: "优秀"}
    part_time = c.educations.get(mode="在职")
    assert (part_time.level, part_time.party_school, part_time.level_text) == ("研究生", True, "省委党校研究生")
    assert c.family.get().birth_date == dt.date(1980, 5, 1)
    assert c.note == ""
    # importing the same file again changes nothing, and the export writes the 学历 as the file did
    again = lrmx.import_person(encode(foreign_file()), actor=staff_user)
    assert again.changed == [] and not again.created
    assert "<ZaiZhiJiaoYu_XueLi>省委党校研究生</ZaiZhiJiaoYu_XueLi>" in lrmx.export_person(c).decode()


@pytest.mark.django_db
def test_unreadable_fields_are_kept_raw_and_reported(staff_user):
    data = foreign_file(NianDuKaoHeJieGuo="表现良好，群众认可", CanJiaGongZuoShiJian="九七年", MinZu="火星",
                        JianLi="毕业后参加工作\n2003.05--  东林镇党政办主任", ZaiZhiJiaoYu_XueLi="函授")
    result = lrmx.import_person(data.encode(), actor=staff_user)
    columns = {w.column for w in result.warnings}
    assert {"NianDuKaoHeJieGuo（年度考核结果）", "CanJiaGongZuoShiJian（参加工作时间）", "MinZu（民族）",
            "JianLi（简历）", "ZaiZhiJiaoYu_XueLi（在职学历）"} <= columns
    note = Cadre.objects.get(pk=result.cadre.pk).note
    for raw in ("表现良好，群众认可", "九七年", "火星", "毕业后参加工作", "函授"):
        assert raw in note and raw in result.raw.values()
    assert lrmx.import_person(data.encode(), actor=staff_user).changed == []  # the note is not doubled


@pytest.mark.django_db
@pytest.mark.parametrize("over, column, message", [
    ({"XingMing": None}, "XingMing（姓名）", "缺少必填项"),
    ({"ShenFenZheng": "330521197803091234"}, "ShenFenZheng（身份证号）", "校验"),
    ({"ShenFenZheng": None}, "ShenFenZheng（身份证号）", "缺少必填项"),
])
def test_only_identity_problems_refuse_a_person(over, column, message):
    with pytest.raises(ApplicationError) as exc:
        lrmx.import_person(foreign_file(**over).encode(), actor=None, name="坏.lrmx")
    assert "「坏.lrmx」" in exc.value.message and exc.value.errors[0].column == column
    assert message in exc.value.errors[0].message and not Cadre.objects.exists()


@pytest.mark.django_db
def test_missing_sex_and_birth_come_from_the_id_number():
    result = lrmx.import_person(foreign_file(XingBie=None, ChuShengNianYue="不详").encode(), actor=None)
    assert (result.cadre.gender, result.cadre.birth_date) == ("男", dt.date(1978, 3, 9))


@pytest.mark.parametrize("payload, message", [
    (b"PK\x03\x04 not xml at all", "文件「x.lrmx」不是格式正确的XML"),
    (b"<Root><Other/></Root>", "文件「x.lrmx」中没有Person元素"),
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Person>&x;</Person>', "XXE"),
    (b'<!DOCTYPE Person [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><Person><XingMing>&b;</XingMing></Person>', "XXE"),
    (b'<?xml version="1.0" encoding="GBK"?><!DOCTYPE Person SYSTEM "http://x/p.dtd"><Person/>', "XXE"),
])
def test_bad_files_are_refused_naming_the_file(payload, message):
    with pytest.raises(ApplicationError, match=message):
        lrmx.import_person(payload, actor=None, name="x.lrmx")


@pytest.mark.django_db
def test_person_inside_a_wrapper_and_namespaced_elements():
    wrapped = f'<Persons xmlns="urn:x">{foreign_file()}</Persons>'
    assert lrmx.import_person(wrapped.encode(), actor=None).cadre.name == "李明"


# --- part 4: the export read by an independent minimal reader -----------------------------------------------------
DOCUMENTED = ("XingMing XingBie ChuShengNianYue MinZu JiGuan ChuShengDi RuDangShiJian CanJiaGongZuoShiJian "
              "JianKangZhuangKuang ZhuanYeJiShuZhiWu ShuXiZhuanYeYouHeZhuanChang QuanRiZhiJiaoYu_XueLi "
              "QuanRiZhiJiaoYu_XueWei QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi "
              "ZaiZhiJiaoYu_XueLi ZaiZhiJiaoYu_XueWei ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi "
              "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi XianRenZhiWu NiRenZhiWu NiMianZhiWu JianLi JiangChengQingKuang "
              "NianDuKaoHeJieGuo RenMianLiYou ChengBaoDanWei JiSuanNianLingShiJian TianBiaoShiJian TianBiaoRen "
              "ShenFenZheng ZhaoPian").split()


def minimal_reader(data: bytes) -> dict:
    """What a third-party reader does with formats.md alone: DOM, root Person, one element per field."""
    assert data.startswith(b"<?xml") and b"utf-8" in data[:60].lower()
    root = minidom.parseString(data).documentElement
    assert root.tagName == "Person"

    def text(node, name):
        found = node.getElementsByTagName(name)
        return "".join(c.data for c in found[0].childNodes if c.nodeType == c.TEXT_NODE) if found else None

    person = {name: text(root, name) for name in DOCUMENTED + ["Version"]}
    person["family"] = [
        {name: text(item, name) for name in ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao",
                                            "GongZuoDanWeiJiZhiWu")}
        for item in root.getElementsByTagName("JiaTingChengYuan")[0].getElementsByTagName("Item")
    ]
    return person


@pytest.mark.django_db
def test_export_reads_with_an_independent_minimal_reader(full_cadre):
    person = minimal_reader(lrmx.export_person(full_cadre))
    assert all(person[name] is not None for name in DOCUMENTED), [n for n in DOCUMENTED if person[n] is None]
    assert person["Version"] == "3.2.1.6" and person["XingMing"] == full_cadre.name
    assert re.fullmatch(r"\d{6}", person["ChuShengNianYue"]) and re.fullmatch(r"\d{8}", person["JiSuanNianLingShiJian"])
    assert person["ShenFenZheng"] == full_cadre.id_number
    for line in person["JianLi"].split("\n"):
        assert re.fullmatch(r"\d{4}\.\d{2}--(\d{4}\.\d{2}| {7})  \S.*", line), line
    assert base64.b64decode(person["ZhaoPian"])[:3] == b"\xff\xd8\xff"
    assert [m["ChengWei"] for m in person["family"]] == ["妻子", "儿子", "父亲"]
    assert all(re.fullmatch(r"\d{6}(\d{2})?", m["ChuShengRiQi"]) for m in person["family"])
