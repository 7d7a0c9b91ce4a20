"""Campaign documents (职位公告、资格审查结果公示、考察对象公示、任前公示、任职通知、交流通知) from plain data.

selection/ and rotation/ build one of the dataclasses below from their records and call
``documents.services.campaign_document_generate`` (or the task) with ``asdict(data)``; nothing here touches
the database. ``build_context(kind, data)`` turns the data into the print template's context.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields, is_dataclass

from core.exceptions import ApplicationError

from .formatting import cn_date, month_dot
from .models import DocumentKind
from .workdays import working_day_period

MIN_PUBLICITY_WORKING_DAYS = 5


@dataclass
class Issuer:
    organ: str  # 发文机关署名, e.g. 中共某某开发区工作委员会组织部
    organ_mark: str = ""  # 发文机关标志 (红头), e.g. 中共某某开发区工作委员会组织部文件
    contact_person: str = ""
    contact_phone: str = ""
    contact_address: str = ""
    contact_mail: str = ""


@dataclass
class PostSpec:
    unit: str
    title: str
    level: str = ""
    headcount: int = 1
    conditions: list[str] = field(default_factory=list)


@dataclass
class PersonLine:
    name: str
    gender: str = ""
    birth: dt.date | None = None
    native_place: str = ""
    education: str = ""
    political_status: str = ""
    current_post: str = ""
    proposed_post: str = ""
    note: str = ""


@dataclass
class PostWithPeople:
    post: PostSpec
    people: list[PersonLine] = field(default_factory=list)


@dataclass
class PostAnnouncementData:
    campaign_title: str
    issuer: Issuer
    issue_date: dt.date
    posts: list[PostSpec]
    registration_start: dt.date
    registration_end: dt.date
    general_conditions: list[str] = field(default_factory=list)
    how_to_apply: list[str] = field(default_factory=list)
    document_number: str = ""


@dataclass
class ListNoticeData:
    """资格审查结果公示 and 考察对象公示: per post the people."""

    campaign_title: str
    issuer: Issuer
    issue_date: dt.date
    groups: list[PostWithPeople]
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    document_number: str = ""


@dataclass
class PreAppointmentNoticeData:
    issuer: Issuer
    issue_date: dt.date
    people: list[PersonLine]
    start_date: dt.date
    working_days: int = MIN_PUBLICITY_WORKING_DAYS
    basis: str = "根据《党政领导干部选拔任用工作条例》和有关规定，经党工委研究，拟任用下列同志，现予以任前公示。"
    document_number: str = ""


@dataclass
class Appointment:
    name: str
    post: str
    previous_post: str = ""
    is_new_promotion: bool = False  # 新提任: the only kind with a 试用期
    kind: str = ""  # 任职方式: 新提任 / 转任 / 平职交流 / 降职 (from the registration snapshot's level)


@dataclass
class AppointmentNoticeData:
    issuer: Issuer
    issue_date: dt.date
    document_number: str
    title: str
    addressee: str
    decision: str
    appointments: list[Appointment]
    term_years: int = 2
    probation_years: int = 1
    copy_to: str = ""
    printed_by: str = ""


@dataclass
class Move:
    name: str
    from_post: str
    to_post: str
    move_type: str = "交流"  # 轮岗 / 交流 / 挂职


@dataclass
class RotationNoticeData:
    issuer: Issuer
    issue_date: dt.date
    document_number: str
    title: str
    addressee: str
    decision: str
    moves: list[Move]
    report_by: dt.date | None = None
    copy_to: str = ""
    printed_by: str = ""


DATA_CLASSES = {
    DocumentKind.POST_ANNOUNCEMENT: PostAnnouncementData,
    DocumentKind.QUALIFICATION_NOTICE: ListNoticeData,
    DocumentKind.INSPECTION_NOTICE: ListNoticeData,
    DocumentKind.PRE_APPOINTMENT_NOTICE: PreAppointmentNoticeData,
    DocumentKind.APPOINTMENT_NOTICE: AppointmentNoticeData,
    DocumentKind.ROTATION_NOTICE: RotationNoticeData,
}
TEMPLATES = {kind: f"documents/print/{kind}.html" for kind in DocumentKind.values}


# --- (de)serialisation: tasks receive JSON ------------------------------------------------------------------------
def to_plain(data) -> dict:
    """A dataclass (or dict) → JSON-safe dict with ISO dates (for Celery and the content hash)."""
    raw = asdict(data) if is_dataclass(data) else dict(data)
    return _plain(raw)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def from_plain(cls, value):
    """Inverse of ``to_plain`` for the dataclasses above (dates parsed back from ISO strings)."""
    if value is None or not is_dataclass(cls):
        return value
    kwargs = {}
    hints = {f.name: f.type for f in fields(cls)}
    for name, hint in hints.items():
        if name not in value:
            continue
        kwargs[name] = _convert(hint, value[name])
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ApplicationError(f"文书数据不完整：{exc}") from None


_CLASSES = {c.__name__: c for c in (Issuer, PostSpec, PersonLine, PostWithPeople, Appointment, Move)}


def _convert(hint, value):
    hint = str(hint)
    if value is None:
        return None
    if "dt.date" in hint:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    for name, cls in _CLASSES.items():
        if hint == name:
            return from_plain(cls, value)
        if hint == f"list[{name}]":
            return [from_plain(cls, v) for v in value]
    return value


# --- contexts ------------------------------------------------------------------------------------------------------
def _person_row(p: PersonLine) -> dict:
    return {**asdict(p), "birth_text": month_dot(p.birth)}


def _contact_lines(issuer: Issuer) -> list[str]:
    lines = []
    if issuer.contact_phone:
        who = f"（{issuer.contact_person}）" if issuer.contact_person else ""
        lines.append(f"联系电话：{issuer.contact_phone}{who}")
    if issuer.contact_address:
        lines.append(f"来信地址：{issuer.contact_address}")
    if issuer.contact_mail:
        lines.append(f"电子邮箱：{issuer.contact_mail}")
    return lines


def build_context(kind: str, data) -> dict:
    """Validated template context for one campaign document. Raises ApplicationError on bad data."""
    cls = DATA_CLASSES.get(kind)
    if cls is None:
        raise ApplicationError(f"未知的文书类型：{kind}")
    if isinstance(data, dict):
        data = from_plain(cls, data)
    if not isinstance(data, cls):
        raise ApplicationError(f"{DocumentKind(kind).label}需要 {cls.__name__} 数据")
    mark = data.issuer.organ_mark or data.issuer.organ
    ctx = {"kind": kind, "kind_label": DocumentKind(kind).label, "issuer": data.issuer,
           "issue_date_text": cn_date(data.issue_date), "contact_lines": _contact_lines(data.issuer),
           # 发文机关标志 on one line within the 156 mm 版心 (about 440 pt), at most 36 pt
           "organ_mark_size": min(36, 436 // max(1, len(mark)))}
    if kind == DocumentKind.POST_ANNOUNCEMENT:
        if not data.posts:
            raise ApplicationError("职位公告至少应包含一个职位")
        if data.registration_end < data.registration_start:
            raise ApplicationError("报名截止日期不能早于开始日期")
        ctx.update(
            data=data,
            title=f"{data.campaign_title}职位公告",
            total_headcount=sum(p.headcount for p in data.posts),
            registration_text=f"{cn_date(data.registration_start)}至{cn_date(data.registration_end)}",
        )
    elif kind in (DocumentKind.QUALIFICATION_NOTICE, DocumentKind.INSPECTION_NOTICE):
        label = "资格审查结果公示" if kind == DocumentKind.QUALIFICATION_NOTICE else "考察对象公示"
        ctx.update(
            data=data,
            title=f"{data.campaign_title}{label}",
            groups=[{"post": g.post, "people": [_person_row(p) for p in g.people]} for g in data.groups],
            period_text=(
                f"{cn_date(data.period_start)}至{cn_date(data.period_end)}" if data.period_start and data.period_end else ""
            ),
            people_count=sum(len(g.people) for g in data.groups),
        )
    elif kind == DocumentKind.PRE_APPOINTMENT_NOTICE:
        if data.working_days < MIN_PUBLICITY_WORKING_DAYS:
            raise ApplicationError(f"任前公示期不少于{MIN_PUBLICITY_WORKING_DAYS}个工作日")
        if not data.people:
            raise ApplicationError("任前公示至少应包含一名公示对象")
        first, last = working_day_period(data.start_date, data.working_days)
        ctx.update(
            data=data,
            title="任前公示",
            people=[_person_row(p) for p in data.people],
            period_start=first,
            period_end=last,
            period_text=f"{cn_date(first)}至{cn_date(last)}（{data.working_days}个工作日）",
        )
    elif kind == DocumentKind.APPOINTMENT_NOTICE:
        if not data.appointments:
            raise ApplicationError("任职通知至少应包含一名任职人员")
        data.addressee = data.addressee.rstrip("：:")  # the template adds the one colon after 主送机关
        ctx.update(data=data, title=data.title, any_probation=any(a.is_new_promotion for a in data.appointments))
    elif kind == DocumentKind.ROTATION_NOTICE:
        if not data.moves:
            raise ApplicationError("交流通知至少应包含一名交流人员")
        data.addressee = data.addressee.rstrip("：:")
        ctx.update(data=data, title=data.title, report_by_text=cn_date(data.report_by))
    return ctx
