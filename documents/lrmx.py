"""LRMX (干部任免审批表数据文件): export a cadre to XML and import one back (create or update by 身份证号).

Format (formats.md): root ``<Person>``, UTF-8, one element per field, ``Version`` 3.2.1.6; ChuShengNianYue
yyyyMM, JiSuanNianLingShiJian yyyyMMdd, JianLi lines ``2008.07--2012.05  text``, ZhaoPian base64 JPEG,
JiaTingChengYuan/Item children. Dates other than ChuShengNianYue are written yyyyMM when only the month is known
(stored on the 1st) and yyyyMMdd otherwise, so every stored date survives the round trip.

Import checks the whole file first (each problem names the element, the value and a Chinese message, the way the
roster import reports cells); any error → nothing written. Then one transaction through the cadre services, so
every change is kept in the records' history. Malformed XML and DTD/entity declarations (XXE, entity bombs) are
refused with a Chinese message.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cadre import roster_format as rf
from cadre.models import Cadre, OrgUnit, PostHistory
from cadre.services import cadre_create, cadre_records_save, cadre_update, validate_id_number
from core.audit import audit
from core.exceptions import ApplicationError

from . import person_text

VERSION = "3.2.1.6"
MAX_PHOTO_BYTES = 2 * 1024 * 1024

FIELDS = [
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
    "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu", "NiRenZhiWu",
    "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou", "ChengBaoDanWei",
    "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
]
FAMILY_FIELDS = ["ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu"]
LABELS = {
    "XingMing": "姓名", "XingBie": "性别", "ChuShengNianYue": "出生年月", "MinZu": "民族", "JiGuan": "籍贯",
    "ChuShengDi": "出生地", "RuDangShiJian": "入党时间", "CanJiaGongZuoShiJian": "参加工作时间",
    "JianKangZhuangKuang": "健康状况", "ZhuanYeJiShuZhiWu": "专业技术职务", "ShuXiZhuanYeYouHeZhuanChang": "熟悉专业有何专长",
    "QuanRiZhiJiaoYu_XueLi": "全日制学历", "QuanRiZhiJiaoYu_XueWei": "全日制学位",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "全日制毕业院校系及专业", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "全日制学位授予院校系及专业",
    "ZaiZhiJiaoYu_XueLi": "在职学历", "ZaiZhiJiaoYu_XueWei": "在职学位", "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "在职毕业院校系及专业",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "在职学位授予院校系及专业", "XianRenZhiWu": "现任职务", "NiRenZhiWu": "拟任职务",
    "NiMianZhiWu": "拟免职务", "JianLi": "简历", "JiangChengQingKuang": "奖惩情况", "NianDuKaoHeJieGuo": "年度考核结果",
    "RenMianLiYou": "任免理由", "ChengBaoDanWei": "呈报单位", "JiSuanNianLingShiJian": "计算年龄时间",
    "TianBiaoShiJian": "填表时间", "TianBiaoRen": "填表人", "ShenFenZheng": "身份证号", "ZhaoPian": "照片",
    "ChengWei": "称谓", "ChuShengRiQi": "出生日期", "ZhengZhiMianMao": "政治面貌", "GongZuoDanWeiJiZhiWu": "工作单位及职务",
    "JiaTingChengYuan": "家庭成员", "Version": "版本",
}
NOT_STORED = ("NiRenZhiWu", "NiMianZhiWu", "RenMianLiYou", "ChengBaoDanWei", "TianBiaoRen", "TianBiaoShiJian",
              "JiSuanNianLingShiJian")
MODES = {"全日制": "QuanRiZhiJiaoYu", "在职": "ZaiZhiJiaoYu"}


def LrmxIssue(element: str, value: str, message: str, item: int | None = None) -> rf.RowIssue:
    """A problem in the file, shaped like a roster import issue: column = element (中文名), row = family item."""
    label = f"{element}（{LABELS.get(element, element)}）" if element else "文件"
    return rf.RowIssue(row=item, column=label, value=str(value)[:100], message=message)


def file_name(cadre: Cadre) -> str:
    from urllib.parse import quote

    return quote(f"{cadre.name}-{cadre.id_number[-4:]}.lrmx")


# --- export -------------------------------------------------------------------------------------------------------
def person_values(cadre: Cadre, *, proposal: dict | None = None, today: dt.date | None = None, filled_by: str = "") -> dict:
    proposal = proposal or {}
    today = today or timezone.localdate()
    educations = {e.mode: e for e in cadre.educations.all()}
    values = {
        "XingMing": cadre.name,
        "XingBie": cadre.gender,
        "ChuShengNianYue": f"{cadre.birth_date:%Y%m}",
        "MinZu": cadre.ethnicity_name,
        "JiGuan": cadre.native_place,
        "ChuShengDi": cadre.birthplace,
        "RuDangShiJian": person_text.party_text(cadre.political_status, cadre.party_join_date),
        "CanJiaGongZuoShiJian": person_text.compact_date(cadre.work_start_date),
        "JianKangZhuangKuang": cadre.health,
        "ZhuanYeJiShuZhiWu": cadre.professional_title,
        "ShuXiZhuanYeYouHeZhuanChang": cadre.expertise,
        "XianRenZhiWu": cadre.current_job,
        "NiRenZhiWu": proposal.get("proposed", ""),
        "NiMianZhiWu": proposal.get("removed", ""),
        "JianLi": person_text.resume_text(cadre.post_history.all()),
        "JiangChengQingKuang": person_text.rewards_text(cadre.rewards_punishments.all()),
        "NianDuKaoHeJieGuo": person_text.assessments_text(cadre.assessments.all()),
        "RenMianLiYou": proposal.get("reason", ""),
        "ChengBaoDanWei": proposal.get("reporting_unit", ""),
        "JiSuanNianLingShiJian": f"{today:%Y%m%d}",
        "TianBiaoShiJian": f"{today:%Y%m%d}",
        "TianBiaoRen": filled_by,
        "ShenFenZheng": cadre.id_number,
        "ZhaoPian": _photo_base64(cadre),
    }
    for mode, prefix in MODES.items():
        edu = educations.get(mode)
        school = edu.school_and_major if edu else ""
        values[f"{prefix}_XueLi"] = edu.level if edu else ""
        values[f"{prefix}_XueWei"] = edu.degree if edu else ""
        values[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = school
        values[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = school if edu and edu.degree else ""
    return values


def _photo_base64(cadre: Cadre) -> str:
    from .selectors import photo_bytes

    data = photo_bytes(cadre)
    if not data:
        return ""
    if data[:3] != b"\xff\xd8\xff":  # not a JPEG: convert (LRMX carries JPEG only)
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            out = io.BytesIO()
            img.convert("RGB").save(out, format="JPEG", quality=90)
            data = out.getvalue()
    return base64.b64encode(data).decode("ascii")


def export_person(cadre: Cadre, *, actor=None, proposal: dict | None = None, today: dt.date | None = None) -> bytes:
    """The cadre as an LRMX document (UTF-8 bytes with an XML declaration)."""
    cadre = Cadre.objects.select_related("unit").prefetch_related(
        "educations", "post_history", "assessments", "rewards_punishments", "family"
    ).get(pk=cadre.pk)
    filled_by = (actor.get_full_name() or actor.username) if getattr(actor, "is_authenticated", False) else ""
    values = person_values(cadre, proposal=proposal, today=today, filled_by=filled_by)
    root = ET.Element("Person")
    for name in FIELDS:
        ET.SubElement(root, name).text = values[name]
    family = ET.SubElement(root, "JiaTingChengYuan")
    for member in cadre.family.all():
        item = ET.SubElement(family, "Item")
        for name, value in (
            ("ChengWei", member.relation),
            ("XingMing", member.name),
            ("ChuShengRiQi", person_text.compact_date(member.birth_date)),
            ("ZhengZhiMianMao", member.political_status),
            ("GongZuoDanWeiJiZhiWu", member.work_unit_and_post),
        ):
            ET.SubElement(item, name).text = value
    ET.SubElement(root, "Version").text = VERSION
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- import: parse and check ---------------------------------------------------------------------------------------
@dataclass
class ParsedPerson:
    cadre: dict = field(default_factory=dict)  # Cadre fields
    educations: dict = field(default_factory=dict)  # mode → {level, degree, school, major}
    resume: list = field(default_factory=list)  # person_text.ResumeLine
    assessments: list = field(default_factory=list)  # (year, grade, reason)
    rewards: list | None = None  # None = leave the section alone
    family: list = field(default_factory=list)
    photo: bytes = b""
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)


@dataclass
class LrmxResult:
    cadre: Cadre
    created: bool
    changed: list[str]
    warnings: list

    @property
    def summary(self) -> str:
        if self.created:
            return f"已根据LRMX文件新建干部档案：{self.cadre.name}"
        if self.changed:
            return f"已根据LRMX文件更新{self.cadre.name}的档案：{'、'.join(self.changed)}"
        return f"{self.cadre.name}的档案与LRMX文件一致，未作修改"


def parse_xml(raw: bytes) -> ET.Element:
    if not raw or not raw.strip():
        raise ApplicationError("文件是空的，不是任免审批表数据文件（LRMX）")
    try:
        root = DET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ApplicationError("文件包含DTD或实体声明，出于安全原因（XXE）拒绝导入") from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ApplicationError(f"文件不是格式正确的XML（第{line}行第{column + 1}列附近有误），请确认是LRMX文件") from None
    if root.tag != "Person":
        raise ApplicationError(f"LRMX文件的根元素应为Person，而不是{root.tag}")
    return root


def _text(root, name) -> str:
    node = root.find(name)
    return (node.text or "").strip() if node is not None else ""


def _compact(value: str, element: str, errors: list, *, item=None) -> dt.date | None:
    """yyyyMM / yyyyMMdd (and the roster's date forms, for files from other tools)."""
    if not value:
        return None
    try:
        date, _ = rf.parse_date(value)
        return date
    except rf.ValueProblem as exc:
        errors.append(LrmxIssue(element, value, str(exc), item))
        return None


def parse_person(root: ET.Element) -> ParsedPerson:
    p = ParsedPerson()
    errors, warnings = p.errors, p.warnings
    get = lambda name: _text(root, name)  # noqa: E731

    known = set(FIELDS) | {"JiaTingChengYuan", "Version"}
    for child in root:
        if child.tag not in known:
            warnings.append(LrmxIssue(child.tag, (child.text or "").strip(), "无法识别的元素，已忽略"))
    version = get("Version") or root.get("Version", "")
    if version and version != VERSION:
        warnings.append(LrmxIssue("Version", version, f"文件版本为{version}，按{VERSION}读取"))

    for name in ("XingMing", "XingBie", "ShenFenZheng", "ChuShengNianYue"):
        if not get(name):
            errors.append(LrmxIssue(name, "", f"缺少必填项“{LABELS[name]}”"))
    c = p.cadre
    if get("XingMing"):
        try:
            c["name"] = rf.clean_name(get("XingMing"))
        except rf.ValueProblem as exc:
            errors.append(LrmxIssue("XingMing", get("XingMing"), str(exc)))
    if get("XingBie"):
        try:
            c["gender"] = rf.parse_gender(get("XingBie"))
        except rf.ValueProblem as exc:
            errors.append(LrmxIssue("XingBie", get("XingBie"), str(exc)))
    birth = None
    if get("ChuShengNianYue"):
        if not re.fullmatch(r"\d{6}(\d{2})?", get("ChuShengNianYue")):
            errors.append(LrmxIssue("ChuShengNianYue", get("ChuShengNianYue"), "出生年月应为yyyyMM格式，例如198506"))
        else:
            birth = _compact(get("ChuShengNianYue"), "ChuShengNianYue", errors)
    if get("ShenFenZheng"):
        try:
            c["id_number"] = validate_id_number(get("ShenFenZheng"), gender=c.get("gender"), birth_date=birth)
        except ApplicationError as exc:
            errors.append(LrmxIssue("ShenFenZheng", get("ShenFenZheng"), exc.message))
    if get("MinZu"):
        try:
            c["ethnicity"] = rf.parse_ethnicity(get("MinZu"))
        except rf.ValueProblem as exc:
            errors.append(LrmxIssue("MinZu", get("MinZu"), str(exc)))
    for element, key in (("JiGuan", "native_place"), ("ChuShengDi", "birthplace"), ("JianKangZhuangKuang", "health"),
                         ("ZhuanYeJiShuZhiWu", "professional_title"), ("ShuXiZhuanYeYouHeZhuanChang", "expertise")):
        limit = Cadre._meta.get_field(key).max_length
        if len(get(element)) > limit:
            errors.append(LrmxIssue(element, get(element), f"{LABELS[element]}不能超过{limit}个字符"))
        else:
            c[key] = get(element)
    c["work_start_date"] = _compact(get("CanJiaGongZuoShiJian"), "CanJiaGongZuoShiJian", errors)
    for element in ("JiSuanNianLingShiJian", "TianBiaoShiJian"):
        _compact(get(element), element, errors)

    # 入党时间 carries the political status when it is not 中共党员 (`201001民盟盟员`, `群众`)
    digits, status = person_text.parse_party_text(get("RuDangShiJian"))
    c["party_join_date"] = _compact(digits, "RuDangShiJian", errors) if digits else None
    if status:
        try:
            c["political_status"] = rf.parse_political_status(status)
        except rf.ValueProblem as exc:
            errors.append(LrmxIssue("RuDangShiJian", get("RuDangShiJian"), str(exc)))
    elif digits:
        c["political_status"] = "中共党员"

    for mode, prefix in MODES.items():
        level_raw = get(f"{prefix}_XueLi")
        try:
            level = rf.parse_education(level_raw)
        except rf.ValueProblem as exc:
            errors.append(LrmxIssue(f"{prefix}_XueLi", level_raw, str(exc)))
            level = ""
        school_text = get(f"{prefix}_XueLi_BiYeYuanXiaoXi") or get(f"{prefix}_XueWei_BiYeYuanXiaoXi")
        school, major = rf.split_school_major(school_text)
        degree = get(f"{prefix}_XueWei")
        p.educations[mode] = {"level": level, "degree": degree, "school": school, "major": major}

    for n, line in enumerate([ln for ln in get("JianLi").splitlines() if ln.strip()], start=1):
        try:
            p.resume.append(person_text.parse_resume_line(line))
        except ValueError as exc:
            errors.append(LrmxIssue("JianLi", line, f"简历第{n}行：{exc}"))
    open_lines = [r for r in p.resume if r.end is None]
    if len(open_lines) > 1:
        warnings.append(LrmxIssue("JianLi", open_lines[-1].text, "简历中有多行没有终止时间，以最后一行为现任职务"))

    try:
        for year, grade, reason in person_text.parse_assessments_text(get("NianDuKaoHeJieGuo")):
            p.assessments.append((year, rf.parse_assessment(grade), reason))
    except (ValueError, rf.ValueProblem) as exc:
        errors.append(LrmxIssue("NianDuKaoHeJieGuo", get("NianDuKaoHeJieGuo"), str(exc)))

    reward_text = get("JiangChengQingKuang")
    if reward_text and reward_text != person_text.NONE_TEXT:
        rewards = []
        for line in [ln for ln in reward_text.splitlines() if ln.strip()]:
            try:
                rewards.append(person_text.parse_reward_line(line))
            except ValueError as exc:
                warnings.append(LrmxIssue("JiangChengQingKuang", line, f"{exc}；奖惩情况未导入，请在档案中手工录入"))
                rewards = None
                break
        p.rewards = rewards
    else:
        p.rewards = []

    family = root.find("JiaTingChengYuan")
    for n, item in enumerate(family.findall("Item") if family is not None else [], start=1):
        g = lambda name: _text(item, name)  # noqa: E731
        member = {"relation": g("ChengWei"), "work_unit_and_post": g("GongZuoDanWeiJiZhiWu")}
        if not member["relation"]:
            errors.append(LrmxIssue("ChengWei", "", f"家庭成员第{n}项缺少称谓", n))
        try:
            member["name"] = rf.clean_name(g("XingMing"))
        except rf.ValueProblem as exc:
            errors.append(LrmxIssue("XingMing", g("XingMing"), f"家庭成员第{n}项：{exc}", n))
        member["birth_date"] = _compact(g("ChuShengRiQi"), "ChuShengRiQi", errors, item=n)
        try:
            member["political_status"] = rf.parse_political_status(g("ZhengZhiMianMao"))
        except rf.ValueProblem as exc:
            errors.append(LrmxIssue("ZhengZhiMianMao", g("ZhengZhiMianMao"), f"家庭成员第{n}项：{exc}", n))
        if len(member["work_unit_and_post"]) > 200:
            errors.append(LrmxIssue("GongZuoDanWeiJiZhiWu", member["work_unit_and_post"], "工作单位及职务不能超过200个字符", n))
        p.family.append(member)

    photo_text = re.sub(r"\s+", "", get("ZhaoPian"))
    if photo_text:
        try:
            data = base64.b64decode(photo_text, validate=True)
        except (binascii.Error, ValueError):
            errors.append(LrmxIssue("ZhaoPian", photo_text[:20] + "…", "照片不是有效的base64编码"))
        else:
            if len(data) > MAX_PHOTO_BYTES:
                errors.append(LrmxIssue("ZhaoPian", f"{len(data)}字节", "照片超过2MB"))
            elif not _is_jpeg(data):
                errors.append(LrmxIssue("ZhaoPian", photo_text[:20] + "…", "照片应为JPEG图像"))
            else:
                p.photo = data
    for name in NOT_STORED:
        if get(name) and name not in ("JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen"):
            warnings.append(LrmxIssue(name, get(name), "审批栏目不属于干部档案，未保存"))
    return p


def _is_jpeg(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            return img.format == "JPEG"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


# --- import: write -------------------------------------------------------------------------------------------------
def _same_month(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and (a.year, a.month) == (b.year, b.month)


def _keep_precision(old: dt.date | None, new: dt.date | None) -> dt.date | None:
    """A month-only value from the file does not overwrite a stored day in the same month."""
    if new is not None and new.day == 1 and _same_month(old, new):
        return old
    return new


def _units_by_name() -> list[OrgUnit]:
    return sorted(OrgUnit.objects.only("id", "name"), key=lambda u: -len(u.name))


def _split_unit(text: str, units: list[OrgUnit]) -> tuple[OrgUnit | None, str]:
    for unit in units:
        if text.startswith(unit.name) and len(text) > len(unit.name):
            return unit, text[len(unit.name):]
    return None, text


def import_person(raw: bytes, *, actor) -> LrmxResult:
    """Create or update the cadre described by an LRMX file. Raises ApplicationError (with ``errors``)."""
    parsed = parse_person(parse_xml(raw))
    if parsed.errors:
        raise ApplicationError(
            f"LRMX文件有{len(parsed.errors)}处错误，未导入任何数据", errors=parsed.errors
        )
    with transaction.atomic():
        cadre = Cadre.objects.select_for_update().filter(id_number=parsed.cadre["id_number"]).first()
        return _write(parsed, cadre, actor=actor)


def _write(parsed: ParsedPerson, cadre: Cadre | None, *, actor) -> LrmxResult:
    data = dict(parsed.cadre)
    units = _units_by_name()
    current = next((r for r in reversed(parsed.resume) if r.end is None), None)
    if current is not None:
        unit, title = _split_unit(current.text, units)
        data.update(unit=unit, position_title=title[:50], position_start=current.start)
    created = cadre is None
    changed: list[str] = []
    if created:
        data.setdefault("political_status", "群众")
        cadre = cadre_create(actor=actor, data=data)
    else:
        for key in ("party_join_date", "work_start_date", "position_start"):
            if key in data:
                data[key] = _keep_precision(getattr(cadre, key), data[key])
        if current is not None and data["unit"] == cadre.unit and data["position_title"] == cadre.position_title \
                and _same_month(cadre.position_start, data["position_start"]):
            data["position_start"] = cadre.position_start
        before = {k: getattr(cadre, k) for k in data if hasattr(cadre, k)}
        cadre = cadre_update(actor=actor, cadre=cadre, data=data)
        changed += [
            str(Cadre._meta.get_field("unit" if k == "unit" else k).verbose_name)
            for k, v in before.items() if getattr(cadre, k) != v
        ]
    if parsed.photo and _photo_changed(cadre, parsed.photo):
        cadre.photo.save(f"{cadre.id_number}.jpg", ContentFile(parsed.photo), save=False)
        cadre._history_user = actor if getattr(actor, "is_authenticated", False) else None
        cadre.save()
        changed.append("照片")
    if _sync_resume(cadre, parsed.resume, units, actor=actor):
        changed.append("简历")
    result = cadre_records_save(
        actor=actor,
        cadre=cadre,
        educations=_education_rows(cadre, parsed.educations),
        assessments=_assessment_rows(cadre, parsed.assessments),
        family=_family_rows(cadre, parsed.family),
        rewards=_reward_rows(cadre, parsed.rewards) if parsed.rewards is not None else None,
    )
    labels = {"educations": "学历学位", "assessments": "年度考核", "family": "家庭成员", "rewards": "奖惩情况"}
    changed += [labels[k] for k, v in result.items() if any(v)]
    audit(
        actor=actor,
        action="cadre.lrmx_import",
        obj=cadre,
        summary=f"导入LRMX文件：{'新建' if created else '更新'}{cadre.name}",
        data={"created": created, "changed": changed},
    )
    return LrmxResult(cadre=cadre, created=created, changed=changed, warnings=parsed.warnings)


def _photo_changed(cadre: Cadre, data: bytes) -> bool:
    from .selectors import photo_bytes

    return photo_bytes(cadre) != data


def _sync_resume(cadre: Cadre, lines, units, *, actor) -> bool:
    """Make the post-history rows say what the JianLi lines say; matching rows (same months and text) stay."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    existing = list(PostHistory.objects.filter(cadre=cadre).order_by("start", "id"))
    changed = False
    unmatched = list(existing)
    for line in lines:
        match = next(
            (
                r for r in unmatched
                if _same_month(r.start, line.start)
                and ((r.end is None and line.end is None) or _same_month(r.end, line.end))
                and f"{r.unit_name}{r.title}" == line.text
            ),
            None,
        )
        if match is not None:
            unmatched.remove(match)
            continue
        unit, title = _split_unit(line.text, units)
        row = PostHistory(
            cadre=cadre, unit=unit, unit_name=unit.name if unit else "", title=title[:100], start=line.start, end=line.end
        )
        row._history_user = user
        row.save()
        changed = True
    for row in unmatched:
        row._history_user = user
        row.delete()
        changed = True
    return changed


def _education_rows(cadre, educations: dict) -> list[dict]:
    existing = {e.mode: e for e in cadre.educations.all()}
    rows = []
    for mode, values in educations.items():
        row = {"mode": mode, **values}
        old = existing.get(mode)
        row["graduated_on"] = old.graduated_on if old else None
        rows.append(row)
    return rows


def _assessment_rows(cadre, items) -> list[dict]:
    existing = {a.year: a for a in cadre.assessments.all()}
    rows = []
    for year, grade, reason in items:
        old = existing.pop(year, None)
        rows.append({"id": old.pk if old else None, "year": year, "grade": grade, "reason": reason})
    rows = [{"id": a.pk, "DELETE": True} for a in existing.values()] + rows
    return rows


def _family_rows(cadre, members) -> list[dict]:
    existing = list(cadre.family.all())
    rows = []
    for order, member in enumerate(members):
        old = next((m for m in existing if m.relation == member["relation"] and m.name == member.get("name")), None)
        row = dict(member)
        if old is not None:
            existing.remove(old)
            row["id"] = old.pk
            row["birth_date"] = _keep_precision(old.birth_date, member["birth_date"])
            row["order"] = old.order if _order_kept(old, order, cadre) else order
        else:
            row["order"] = order
        rows.append(row)
    return [{"id": m.pk, "DELETE": True} for m in existing] + rows


def _order_kept(old, index, cadre) -> bool:
    ordered = list(cadre.family.all())
    return index < len(ordered) and ordered[index].pk == old.pk


def _reward_rows(cadre, items) -> list[dict]:
    existing = list(cadre.rewards_punishments.all())
    rows = []
    for item in items:
        old = next(
            (r for r in existing if r.kind == item["kind"] and r.name == item["name"] and r.decided_on == item["decided_on"]),
            None,
        )
        row = dict(item)
        if old is not None:
            existing.remove(old)
            row["id"] = old.pk
        rows.append(row)
    return [{"id": r.pk, "DELETE": True} for r in existing] + rows
