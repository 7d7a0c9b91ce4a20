"""Import, first half: read the ``<Person>`` element into values; nothing is written here.

Tolerant and lossless: only identity problems are errors (no 姓名, a missing or invalid 身份证号, one that
disagrees with 出生年月 or 性别). Any other value that cannot be read is left out, reported as a warning, and its
raw text kept in ``ParsedPerson.raw`` (saved into the record's 备注 by ``save``).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import html
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from PIL import Image, UnidentifiedImageError

from cadre.models import Cadre
from cadre.roster import formats as rf
from cadre.services import validate_id_number
from core.exceptions import ApplicationError

from .. import person_text
from .fields import FIELDS, LABELS, MAX_PHOTO_BYTES, MODES, NOT_STORED, VERSION, LrmxIssue
from .resume import read_resume
from .source import read_root
from .values import read_assessments, read_date, read_education, read_party

TITLE_MAX = 100  # PostHistory.unit_name + title as one 简历 text
_KNOWN = {name.lower(): name for name in [*FIELDS, "JiaTingChengYuan", "Version"]}
_NCR = re.compile(r"&#(?:\d{2,7}|[xX][0-9a-fA-F]{2,6});")


@dataclass
class ParsedPerson:
    cadre: dict = field(default_factory=dict)  # Cadre fields
    educations: dict = field(default_factory=dict)  # mode → {level, degree, school, major, party_school, level_text}
    resume: list = field(default_factory=list)  # person_text.ResumeLine
    assessments: list = field(default_factory=list)  # (year, grade, reason)
    rewards: list | None = None  # None = leave the section alone
    family: list = field(default_factory=list)
    photo: bytes = b""
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)  # label → text that could not be read, kept as written

    def keep(self, element: str, value: str, message: str, item: int | None = None, label: str = "") -> None:
        """A value that cannot be read: a warning, and its raw text kept."""
        self.warnings.append(LrmxIssue(element, value, f"{message}；原文已保存在备注中", item))
        key = label or LABELS.get(element, element)
        self.raw[key] = f"{self.raw[key]}；{value}" if key in self.raw else value


def parse_xml(raw: bytes, name: str = "") -> ET.Element:
    return read_root(raw, name)


def _clean(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if "&#" in text:  # references escaped twice by the writing program: `&amp;#24352;` → 张
        text = _NCR.sub(lambda m: html.unescape(m.group(0)), text)
    return text.strip().strip("\u3000").strip()


def _values(node: ET.Element) -> dict[str, str]:
    """Child element texts by name; element names are matched without regard to case."""
    return {child.tag: _clean(child.text) for child in node if isinstance(child.tag, str)}


def parse_person(root: ET.Element) -> ParsedPerson:
    p = ParsedPerson()
    by_name = {}
    for child in root:
        if not isinstance(child.tag, str):
            continue
        canonical = _KNOWN.get(child.tag.lower())
        if canonical is None:
            if _clean(child.text):
                p.warnings.append(LrmxIssue(child.tag, _clean(child.text), "无法识别的元素，已忽略"))
            continue
        child.tag = canonical
        by_name[canonical] = child
    values = {name: _clean(node.text) for name, node in by_name.items()}
    get = lambda name: values.get(name, "")  # noqa: E731
    version = get("Version") or root.get("Version", "")
    if version and version != VERSION:
        p.warnings.append(LrmxIssue("Version", version, f"文件版本为{version}，按{VERSION}读取"))

    _identity(p, get)
    if p.errors:
        return p
    _person_fields(p, get)
    _educations(p, get)
    _resume(p, get("JianLi"))
    fill_year = _fill_year(get)
    items, problems = read_assessments(get("NianDuKaoHeJieGuo"), last_year=fill_year - 1 if fill_year else None)
    p.assessments = items
    if problems:
        p.keep("NianDuKaoHeJieGuo", get("NianDuKaoHeJieGuo"), "年度考核结果部分未能识别：" + "；".join(problems))
    _rewards(p, get("JiangChengQingKuang"))
    _family(p, by_name.get("JiaTingChengYuan"))
    _photo(p, get("ZhaoPian"))
    for name in NOT_STORED:
        if get(name) and name not in ("JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen"):
            p.warnings.append(LrmxIssue(name, get(name), "审批栏目不属于干部档案，未保存"))
    return p


def _identity(p: ParsedPerson, get) -> None:
    """姓名 and 身份证号 must be there and valid; 性别 and 出生年月 fall back on the 身份证号 when unreadable."""
    c = p.cadre
    for name in ("XingMing", "ShenFenZheng"):
        if not get(name):
            p.errors.append(LrmxIssue(name, "", f"缺少必填项“{LABELS[name]}”"))
    if get("XingMing"):
        try:
            c["name"] = rf.clean_name(get("XingMing"))
        except rf.ValueProblem as exc:
            p.errors.append(LrmxIssue("XingMing", get("XingMing"), str(exc)))
    if not get("ShenFenZheng"):
        return
    try:
        number = validate_id_number(get("ShenFenZheng"))
    except ApplicationError as exc:
        p.errors.append(LrmxIssue("ShenFenZheng", get("ShenFenZheng"), exc.message))
        return
    id_gender = "男" if int(number[16]) % 2 else "女"
    id_birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    gender, birth = id_gender, None
    if get("XingBie"):
        try:
            gender = rf.parse_gender(get("XingBie"))
        except rf.ValueProblem as exc:
            p.warnings.append(LrmxIssue("XingBie", get("XingBie"), f"{exc}；按身份证号取{id_gender}"))
    else:
        p.warnings.append(LrmxIssue("XingBie", "", f"缺少性别，按身份证号取{id_gender}"))
    try:
        birth = read_date(get("ChuShengNianYue"))
    except ValueError as exc:
        p.warnings.append(LrmxIssue("ChuShengNianYue", get("ChuShengNianYue"), f"{exc}；按身份证号取出生日期"))
    if birth is None:
        birth = id_birth
    try:
        c["id_number"] = validate_id_number(number, gender=gender, birth_date=birth)
    except ApplicationError as exc:
        p.errors.append(LrmxIssue("ShenFenZheng", get("ShenFenZheng"), exc.message))
    c["gender"], c["birth_date"] = gender, birth


def _fill_year(get) -> int | None:
    for name in ("TianBiaoShiJian", "JiSuanNianLingShiJian"):
        try:
            date = read_date(get(name))
        except ValueError:
            continue
        if date is not None:
            return date.year
    return None


def _person_fields(p: ParsedPerson, get) -> None:
    c = p.cadre
    if get("MinZu"):
        try:
            c["ethnicity"] = rf.parse_ethnicity(get("MinZu"))
        except rf.ValueProblem as exc:
            p.keep("MinZu", get("MinZu"), str(exc))
    for element, key in (("JiGuan", "native_place"), ("ChuShengDi", "birthplace"), ("JianKangZhuangKuang", "health"),
                         ("ZhuanYeJiShuZhiWu", "professional_title"), ("ShuXiZhuanYeYouHeZhuanChang", "expertise")):
        limit = Cadre._meta.get_field(key).max_length
        c[key] = get(element)[:limit]
        if len(get(element)) > limit:
            p.keep(element, get(element), f"{LABELS[element]}超过{limit}个字符，只保存了前{limit}个字符")
    try:
        c["work_start_date"] = read_date(get("CanJiaGongZuoShiJian"))
    except ValueError as exc:
        p.keep("CanJiaGongZuoShiJian", get("CanJiaGongZuoShiJian"), str(exc))
    try:
        join_date, status = read_party(get("RuDangShiJian"))
    except ValueError as exc:
        p.keep("RuDangShiJian", get("RuDangShiJian"), str(exc))
    else:
        if status:
            c["political_status"], c["party_join_date"] = status, join_date
        elif not get("RuDangShiJian"):
            c["party_join_date"] = None


def _educations(p: ParsedPerson, get) -> None:
    for mode, prefix in MODES.items():
        written = get(f"{prefix}_XueLi")
        try:
            level, party_school = read_education(written)
        except ValueError as exc:
            p.keep(f"{prefix}_XueLi", written, str(exc))
            level, party_school = "", False
        school_text = get(f"{prefix}_XueLi_BiYeYuanXiaoXi") or get(f"{prefix}_XueWei_BiYeYuanXiaoXi")
        school, major = rf.split_school_major(school_text)
        if len(school) > 100 or len(major) > 100:
            p.keep(f"{prefix}_XueLi_BiYeYuanXiaoXi", school_text, "院校或专业超过100个字符，已截断")
        degree = get(f"{prefix}_XueWei")
        if not level and not degree and school_text:
            p.keep(f"{prefix}_XueLi_BiYeYuanXiaoXi", school_text, f"没有可识别的{mode}学历或学位，院校及专业未保存")
            school = major = ""
        if len(degree) > 30:
            p.keep(f"{prefix}_XueWei", degree, "学位超过30个字符，已截断")
        p.educations[mode] = {
            "level": level, "degree": degree[:30], "school": school[:100], "major": major[:100],
            "party_school": party_school, "level_text": written[:30] if level and written != level else "",
        }


def _resume(p: ParsedPerson, text: str) -> None:
    entries, problems = read_resume(text)
    for number, line, message in problems:
        p.keep("JianLi", line, f"简历第{number}行：{message}")
    for entry in entries:
        if len(entry.text) > TITLE_MAX:
            p.keep("JianLi", entry.text, f"简历第{entry.line}行超过{TITLE_MAX}个字符，任职经历中只保存前{TITLE_MAX}个字符")
        p.resume.append(person_text.ResumeLine(start=entry.start, end=entry.end, text=entry.text[:TITLE_MAX]))
    open_lines = [r for r in p.resume if r.end is None]
    if len(open_lines) > 1:
        p.warnings.append(LrmxIssue("JianLi", open_lines[-1].text, "简历中有多行没有终止时间，以最后一行为现任职务"))


def _rewards(p: ParsedPerson, text: str) -> None:
    if not text or text == person_text.NONE_TEXT:
        p.rewards = []
        return
    rewards = []
    for line in [ln for ln in text.splitlines() if ln.strip()]:
        try:
            rewards.append(person_text.parse_reward_line(line))
        except ValueError as exc:
            p.keep("JiangChengQingKuang", text, f"{exc}；奖惩情况未导入，请在档案中手工录入")
            p.rewards = None  # leave the stored rows alone
            return
    p.rewards = rewards


def _family(p: ParsedPerson, node: ET.Element | None) -> None:
    items = [child for child in node if isinstance(child.tag, str) and child.tag.lower() == "item"] if node is not None else []
    for n, item in enumerate(items, start=1):
        values = {_KNOWN.get(k.lower(), k): v for k, v in _values(item).items()}
        g = lambda name: values.get(name, "")  # noqa: E731
        whole = " ".join(v for v in values.values() if v)
        try:
            name = rf.clean_name(g("XingMing"))
        except rf.ValueProblem as exc:
            p.keep("XingMing", whole, f"家庭成员第{n}项：{exc}，未导入该成员", n, label="家庭成员")
            continue
        relation = re.sub(r"\s+", "", g("ChengWei"))
        if not relation or len(relation) > 20:
            p.keep("ChengWei", whole, f"家庭成员第{n}项缺少称谓或称谓过长，未导入该成员", n, label="家庭成员")
            continue
        member = {"relation": relation, "name": name, "work_unit_and_post": g("GongZuoDanWeiJiZhiWu")[:200],
                  "birth_date": None, "political_status": ""}
        if len(g("GongZuoDanWeiJiZhiWu")) > 200:
            p.keep("GongZuoDanWeiJiZhiWu", g("GongZuoDanWeiJiZhiWu"), f"家庭成员第{n}项工作单位及职务超过200个字符，已截断", n,
                   label="家庭成员")
        try:
            member["birth_date"] = read_date(g("ChuShengRiQi"))
        except ValueError as exc:
            p.keep("ChuShengRiQi", g("ChuShengRiQi"), f"家庭成员第{n}项（{name}）：{exc}", n, label=f"{name}出生日期")
        try:
            member["political_status"] = rf.parse_political_status(g("ZhengZhiMianMao"))
        except rf.ValueProblem as exc:
            p.keep("ZhengZhiMianMao", g("ZhengZhiMianMao"), f"家庭成员第{n}项（{name}）：{exc}", n, label=f"{name}政治面貌")
        p.family.append(member)


def _photo(p: ParsedPerson, text: str) -> None:
    photo_text = re.sub(r"\s+", "", text)
    if not photo_text:
        return
    try:
        data = base64.b64decode(photo_text, validate=True)
    except (binascii.Error, ValueError):
        p.warnings.append(LrmxIssue("ZhaoPian", photo_text[:20] + "…", "照片不是有效的base64编码，未导入照片"))
        return
    if len(data) > MAX_PHOTO_BYTES:
        p.warnings.append(LrmxIssue("ZhaoPian", f"{len(data)}字节", "照片超过2MB，未导入照片"))
    elif not _is_jpeg(data):
        p.warnings.append(LrmxIssue("ZhaoPian", photo_text[:20] + "…", "照片应为JPEG图像，未导入照片"))
    else:
        p.photo = data


def _is_jpeg(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            return img.format == "JPEG"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
