"""Import, first half: read the XML safely and check every element; nothing is written here."""
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
from PIL import Image, UnidentifiedImageError

from cadre.roster import formats as rf
from cadre.models import Cadre
from cadre.services import validate_id_number
from core.exceptions import ApplicationError

from .. import person_text
from .fields import FIELDS, LABELS, MAX_PHOTO_BYTES, MODES, NOT_STORED, VERSION, LrmxIssue


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
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            return img.format == "JPEG"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
