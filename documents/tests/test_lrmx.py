"""LRMX export/import: element names, round trip field by field, errors, XXE, commands."""
import base64
import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cadre.idnumber import make_id_number
from cadre.models import Cadre, FamilyMember
from core.exceptions import ApplicationError
from documents import lrmx
from documents.tests.conftest import make_full_cadre

pytestmark = pytest.mark.django_db

CADRE_FIELDS = ["name", "gender", "id_number", "birth_date", "ethnicity", "native_place", "birthplace",
                "political_status", "party_join_date", "work_start_date", "health", "professional_title", "expertise",
                "unit_id", "position_title", "position_start"]


def snapshot(cadre: Cadre) -> dict:
    cadre = Cadre.objects.get(pk=cadre.pk)
    return {
        "cadre": {f: getattr(cadre, f) for f in CADRE_FIELDS},
        "photo": cadre.photo.open("rb").read() if cadre.photo else b"",
        "educations": sorted((e.mode, e.level, e.degree, e.school, e.major) for e in cadre.educations.all()),
        "posts": [(p.unit_id, p.unit_name, p.title, p.start, p.end) for p in cadre.post_history.order_by("start", "id")],
        "assessments": [(a.year, a.grade, a.reason) for a in cadre.assessments.order_by("year")],
        "rewards": [(r.kind, r.name, r.reason, r.decided_on, r.effect_start, r.effect_end, r.issuer)
                    for r in cadre.rewards_punishments.order_by("decided_on")],
        "family": [(f.relation, f.name, f.birth_date, f.political_status, f.work_unit_and_post)
                   for f in cadre.family.order_by("order", "id")],
    }


def test_export_has_every_spec_element(full_cadre):
    root = ET.fromstring(lrmx.export_person(full_cadre))
    assert root.tag == "Person"
    assert [child.tag for child in root] == lrmx.FIELDS + ["JiaTingChengYuan", "Version"]
    assert root.findtext("Version") == "3.2.1.6"
    assert root.findtext("ChuShengNianYue") == "198506"
    assert len(root.findtext("JiSuanNianLingShiJian")) == 8
    assert root.findtext("JianLi").splitlines()[0] == "2008.07--2012.05  东林镇人民政府党政办科员"
    assert root.findtext("MinZu") == "汉族" and root.findtext("RuDangShiJian") == "200605"
    assert base64.b64decode(root.findtext("ZhaoPian"))[:3] == b"\xff\xd8\xff"
    items = root.find("JiaTingChengYuan").findall("Item")
    assert [i.findtext("ChengWei") for i in items] == ["妻子", "儿子", "父亲"]
    assert [c.tag for c in items[0]] == lrmx.FAMILY_FIELDS
    assert items[0].findtext("ChuShengRiQi") == "198703"


def test_round_trip_recreates_identical_data(full_cadre, staff_user):
    from cadre.models import RewardPunishment

    RewardPunishment.objects.create(cadre=full_cadre, kind="政务处分", name="警告", reason="违反工作纪律",
                                    decided_on="2017-03-15", effect_start="2017-03-15", effect_end="2017-09-14")
    before = snapshot(full_cadre)
    data = lrmx.export_person(full_cadre)
    Cadre.objects.filter(pk=full_cadre.pk).delete()
    result = lrmx.import_person(data, actor=staff_user)
    assert result.created and result.cadre.pk != full_cadre.pk
    after = snapshot(result.cadre)
    for section in before:
        assert after[section] == before[section], section
    # the re-export is the same file apart from the dates of filling in
    assert lrmx.export_person(result.cadre) == data


def test_reimport_over_the_same_record_changes_nothing(full_cadre, staff_user):
    before = snapshot(full_cadre)
    result = lrmx.import_person(lrmx.export_person(full_cadre), actor=staff_user)
    assert not result.created and result.changed == [] and "未作修改" in result.summary
    assert snapshot(full_cadre) == before


def test_update_by_id_number_keeps_history(full_cadre, staff_user):
    data = lrmx.export_person(full_cadre).decode()
    data = data.replace("<JiGuan>浙江湖州</JiGuan>", "<JiGuan>浙江安吉</JiGuan>")
    data = data.replace("2025年度考核为称职", "2025年度考核为优秀")
    result = lrmx.import_person(data.encode(), actor=staff_user)
    cadre = Cadre.objects.get(pk=full_cadre.pk)
    assert cadre.native_place == "浙江安吉" and "籍贯" in result.changed and "年度考核" in result.changed
    assert cadre.history.filter(native_place="浙江湖州").exists()
    assert cadre.assessments.get(year=2025).grade == "优秀"
    assert cadre.history.first().history_user == staff_user


def test_unreadable_values_are_warnings_kept_in_the_note(full_cadre, staff_user):
    data = lrmx.export_person(full_cadre).decode()
    bad = (data.replace("<XingBie>男</XingBie>", "<XingBie>未知</XingBie>")
               .replace("<MinZu>汉族</MinZu>", "<MinZu>火星族</MinZu>")
               .replace("<ChuShengRiQi>198703</ChuShengRiQi>", "<ChuShengRiQi>1987-13</ChuShengRiQi>")
               .replace("<JiGuan>浙江湖州</JiGuan>", "<JiGuan>浙江安吉</JiGuan>"))
    result = lrmx.import_person(bad.encode(), actor=staff_user)
    warnings = {e.column: e for e in result.warnings}
    assert warnings["XingBie（性别）"].value == "未知" and "按身份证号取男" in warnings["XingBie（性别）"].message
    assert "火星族" in warnings["MinZu（民族）"].message
    assert warnings["ChuShengRiQi（出生日期）"].row == 1
    cadre = Cadre.objects.get(pk=full_cadre.pk)
    assert cadre.native_place == "浙江安吉" and cadre.ethnicity == "01" and cadre.gender == "男"
    assert "〔LRMX未识别·民族〕火星族" in cadre.note and "1987-13" in cadre.note
    assert cadre.family.get(relation="妻子").birth_date is None


def test_bad_id_number_and_birth_month_mismatch(full_cadre, staff_user):
    data = lrmx.export_person(full_cadre).decode()
    wrong = data.replace("<ChuShengNianYue>198506</ChuShengNianYue>", "<ChuShengNianYue>198507</ChuShengNianYue>")
    with pytest.raises(ApplicationError) as exc:
        lrmx.import_person(wrong.encode(), actor=staff_user)
    assert exc.value.errors[0].column == "ShenFenZheng（身份证号）" and "不符" in exc.value.errors[0].message
    broken = data.replace(full_cadre.id_number, full_cadre.id_number[:-1] + ("0" if full_cadre.id_number[-1] != "0" else "1"))
    with pytest.raises(ApplicationError) as exc:
        lrmx.import_person(broken.encode(), actor=staff_user)
    assert "校验位" in exc.value.errors[0].message


@pytest.mark.parametrize("payload, message", [
    (b"<Person><XingMing>x</XingMing>", "格式正确的XML"),
    (b"", "空的"),
    (b"<Root/>", "没有Person元素"),
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Person><XingMing>&xxe;</XingMing></Person>', "XXE"),
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Person><XingMing>&b;</XingMing></Person>', "XXE"),
])
def test_malformed_and_hostile_xml_rejected(payload, message):
    with pytest.raises(ApplicationError, match=message):
        lrmx.import_person(payload, actor=None)


def test_photo_must_be_jpeg(full_cadre):
    data = lrmx.export_person(full_cadre).decode()
    root = ET.fromstring(data)
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 40).decode()
    data = data.replace(root.findtext("ZhaoPian"), png)
    result = lrmx.import_person(data.encode(), actor=None)
    warning = next(w for w in result.warnings if w.column == "ZhaoPian（照片）")
    assert "JPEG" in warning.message and "照片" not in result.changed


def test_commands_export_and_import(full_cadre, tmp_path, capsys):
    path = tmp_path / "p.lrmx"
    call_command("export_lrmx", full_cadre.id_number, str(path))
    assert path.read_bytes().startswith(b"<?xml") and "已导出" in capsys.readouterr().out
    FamilyMember.objects.filter(cadre=full_cadre, relation="父亲").delete()
    call_command("import_lrmx", str(path))
    assert "已根据LRMX文件更新" in capsys.readouterr().out
    assert full_cadre.family.filter(relation="父亲", name="张建华").exists()


def test_import_command_bad_file_exits_with_chinese_lines(tmp_path, capsys):
    path = tmp_path / "bad.lrmx"
    path.write_text("<Person><XingMing>张三</XingMing><XingBie>男</XingBie></Person>", encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_lrmx", str(path))
    err = capsys.readouterr().err
    assert "ShenFenZheng（身份证号）：缺少必填项“身份证号”" in err
    with pytest.raises(CommandError, match="没有身份证号"):
        call_command("export_lrmx", make_id_number("330521", dt.date(1990, 1, 2), 5, "女"), str(tmp_path / "x.lrmx"))


def test_new_person_from_file_of_unknown_units(staff_user):
    cadre = make_full_cadre(name="王五", seq=31)
    data = lrmx.export_person(cadre).decode().replace("财政局", "审计局")
    Cadre.objects.filter(pk=cadre.pk).delete()
    result = lrmx.import_person(data.encode(), actor=staff_user)
    assert result.cadre.unit is None and result.cadre.position_title == "审计局预算科科长"
    assert result.cadre.post_history.filter(end__isnull=True).get().title == "审计局预算科科长"
