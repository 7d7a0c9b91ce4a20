"""Excel exports of a 竞争上岗 campaign (formats.md "Other exports"): 竞争上岗报名汇总表, 资格审查名单,
成绩汇总表 and 考察对象名单.

openpyxl write-only workbooks: a merged title row, a bold, filled, bordered header row (as cadre/roster/export.py),
column widths, frozen header, A4 landscape printing with the header repeated, Chinese sheet titles and a 序号
column. Every text goes through core.xlsx as a text cell, so a name like ``=HYPERLINK(…)`` is never a formula.
Lists grouped per post carry a post row (``一、财政局副局长（职数1名）``) before each group, and 序号
restarts in each group. Dates are written as text: 出生年月 ``1981.06``, 任现职时间 ``2019.03``; the age is
on the campaign's 资格计算基准日. Each writer reads its rows with a fixed number of queries.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from cadre.eligibility import age_on
from core import xlsx

from . import selectors, snapshots
from .models import AppStatus, Campaign
from .permissions import can_see_judge_scores

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
CN_NUMBERS = "一二三四五六七八九十"
NOT_REVIEWED = "待审查"


# ---------------------------------------------------------------- value formats


def month_text(value: dt.date | None) -> str:
    """``1981.06``; '' for None."""
    return f"{value.year}.{value.month:02d}" if value else ""


def birth_with_age(birth: dt.date, as_of: dt.date) -> str:
    """``1981.06（44岁）``: the age on the campaign's 资格计算基准日."""
    return f"{month_text(birth)}（{age_on(birth, as_of)}岁）"


def score(value: Decimal | None) -> float | None:
    """A score as a number cell with its two decimals (openpyxl writes floats; the cell format shows 0.00)."""
    return float(value) if value is not None else None


def group_label(index: int, campaign_post) -> str:
    n = CN_NUMBERS[index] if index < len(CN_NUMBERS) else str(index + 1)
    return f"{n}、{campaign_post.post}（职数{campaign_post.vacancies}名）"


# ---------------------------------------------------------------- the sheet writer


@dataclass
class Column:
    header: str
    width: float = 12
    number_format: str | None = None


class Sheet:
    """One write-only worksheet: title row, header row, then data and group rows."""

    def __init__(self, wb: Workbook, sheet_title: str, title: str, columns: list[Column], subtitle: str = ""):
        self.ws = wb.create_sheet(sheet_title)
        self.columns = columns
        ncols = len(columns)
        ws = self.ws
        for index, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = col.width
        header_row = 3 if subtitle else 2
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5)
        last = get_column_letter(ncols)
        ws.merged_cells.add(f"A1:{last}1")
        ws.row_dimensions[1].height = 30
        xlsx.append(
            ws, [title], font=Font(name="宋体", size=16, bold=True),
            alignment=Alignment(horizontal="center", vertical="center"),
        )
        if subtitle:
            ws.merged_cells.add(f"A2:{last}2")
            xlsx.append(ws, [subtitle], alignment=Alignment(horizontal="left", vertical="center"))
        self.row = header_row
        xlsx.append(
            ws, [col.header for col in columns], font=Font(bold=True),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True), fill=HEADER_FILL,
            border=BORDER,
        )

    def group(self, text: str) -> None:
        self.row += 1
        self.ws.merged_cells.add(f"A{self.row}:{get_column_letter(len(self.columns))}{self.row}")
        xlsx.append(
            self.ws, [text], font=Font(bold=True), fill=GROUP_FILL,
            alignment=Alignment(horizontal="left", vertical="center"),
        )

    def append(self, values: list) -> None:
        self.row += 1
        cells = []
        for col, value in zip(self.columns, values):
            number_format = col.number_format if col.number_format and isinstance(value, (int, float)) else None
            cells.append(xlsx.cell(
                self.ws, value, border=BORDER, alignment=Alignment(vertical="center", wrap_text=True),
                number_format=number_format,
            ))
        self.ws.append(cells)


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SCORE = "0.00"


# ---------------------------------------------------------------- 竞争上岗报名汇总表

REGISTRATION_COLUMNS = [
    Column("序号", 6), Column("姓名", 10), Column("性别", 6), Column("出生年月（年龄）", 16), Column("学历", 10),
    Column("现单位及职务", 28), Column("任现职时间", 11), Column("报名职位", 24), Column("报名方式", 10),
    Column("资格审查结果", 12),
]


def registration_summary(campaign: Campaign) -> bytes:
    """竞争上岗报名汇总表: every submitted application (补报 included), in post order then entry order."""
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, "报名汇总表", f"{campaign.title}报名汇总表", REGISTRATION_COLUMNS)
    apps = selectors.applications_for(campaign, statuses=[AppStatus.SUBMITTED]).order_by(
        "campaign_post__order", "campaign_post_id", "submitted_at", "id"
    )
    for seq, a in enumerate(apps, 1):
        c, p = a.cadre, snapshots.person(a)
        sheet.append([
            seq, p["name"], p["gender"], birth_with_age(p["birth_date"], campaign.as_of), p["education_level"],
            p["current_job"], month_text(c.position_start), str(a.campaign_post.post), a.get_source_display(),
            a.review_decision or NOT_REVIEWED,
        ])
    return _save(wb)


# ---------------------------------------------------------------- 资格审查名单

REVIEW_COLUMNS = [
    Column("序号", 6), Column("姓名", 10), Column("性别", 6), Column("出生年月", 10), Column("学历", 10),
    Column("现任职务", 28), Column("系统审查建议", 14), Column("审查结论", 10), Column("审查意见", 40),
]


def review_list(campaign: Campaign) -> bytes:
    """资格审查名单: per post, every submitted application with the engine's suggestion, the decision and
    the reason."""
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, "资格审查名单", f"{campaign.title}资格审查名单", REVIEW_COLUMNS)
    for index, g in enumerate(selectors.review_queue(campaign)):
        label = group_label(index, g.campaign_post)
        if g.campaign_post.status != "open":
            label += f"（已取消：{g.campaign_post.cancel_reason}）"
        sheet.group(label)
        for seq, a in enumerate(g.rows, 1):
            p = snapshots.person(a)
            sheet.append([
                seq, p["name"], p["gender"], month_text(p["birth_date"]), p["education_level"], p["current_job"],
                a.suggestion, a.review_decision or NOT_REVIEWED, a.review_reason,
            ])
    return _save(wb)


# ---------------------------------------------------------------- 成绩汇总表


def scores_summary(campaign: Campaign, *, with_judges: bool) -> bytes:
    """成绩汇总表: per open post, the qualified candidates by rank with 演讲顺序, each judge's score (only when
    ``with_judges``: staff), 演讲成绩, 民主测评成绩, 笔试成绩 (when weighted), 综合成绩, 名次 (``2（并列）``
    when tied) and 是否考察对象."""
    ranking = selectors.ranking_table(campaign)
    judges, matrix = [], {}
    if with_judges:
        overview = selectors.scores_overview(campaign)
        judges = overview.judges
        matrix = {r.application.pk: r.scores for g in overview.groups for r in g.rows}
    written = campaign.written_weight > 0
    columns = [Column("序号", 6), Column("姓名", 10), Column("演讲顺序", 8)]
    columns += [Column(f"评委{j.name}", 9, "0.0") for j in judges]
    columns += [Column("演讲成绩", 10, SCORE), Column("民主测评成绩", 12, SCORE)]
    if written:
        columns.append(Column("笔试成绩", 10, SCORE))
    columns += [Column("综合成绩", 10, SCORE), Column("名次", 9), Column("是否考察对象", 12)]
    weights = f"演讲成绩 {campaign.speech_weight.normalize():f}%、民主测评成绩 {campaign.evaluation_weight.normalize():f}%"
    if written:
        weights += f"、笔试成绩 {campaign.written_weight.normalize():f}%"
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, "成绩汇总表", f"{campaign.title}成绩汇总表", columns, subtitle=f"综合成绩 = {weights}")
    for index, g in enumerate(ranking):
        sheet.group(group_label(index, g.campaign_post))
        for seq, r in enumerate(g.rows, 1):
            a = r.application
            values = [seq, a.cadre.name, a.speaking_order]
            values += [score(s) for s in matrix.get(a.pk, [None] * len(judges))]
            values += [score(r.speech), score(r.evaluation)]
            if written:
                values.append(score(r.written))
            rank = r.rank if r.rank is None or not r.tied else f"{r.rank}（并列）"
            values += [score(r.composite), rank, "是" if r.is_target else ""]
            sheet.append(values)
    return _save(wb)


# ---------------------------------------------------------------- 考察对象名单

INSPECTION_COLUMNS = [
    Column("序号", 6), Column("姓名", 10), Column("性别", 6), Column("出生年月", 10), Column("学历", 10),
    Column("现任职务", 28), Column("拟任职位", 24), Column("综合成绩", 10, SCORE), Column("名次", 8),
]


def inspection_list(campaign: Campaign) -> bytes:
    """考察对象名单: the 考察对象 of every open post, per post order then rank."""
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, "考察对象名单", f"{campaign.title}考察对象名单", INSPECTION_COLUMNS)
    for seq, a in enumerate(selectors.inspection_targets(campaign), 1):
        p = snapshots.person(a)
        sheet.append([
            seq, p["name"], p["gender"], month_text(p["birth_date"]), p["education_level"], p["current_job"],
            str(a.campaign_post.post), score(a.composite_score), a.rank,
        ])
    return _save(wb)


# ---------------------------------------------------------------- registry

KINDS = {
    "registrations": ("报名汇总表", registration_summary),
    "review": ("资格审查名单", review_list),
    "scores": ("成绩汇总表", scores_summary),
    "inspection": ("考察对象名单", inspection_list),
}


def filename(campaign: Campaign, kind: str) -> str:
    return f"{campaign.title}{KINDS[kind][0]}.xlsx"


def build(campaign: Campaign, kind: str, *, user=None) -> bytes:
    """The workbook of ``kind`` (a key of KINDS); the 成绩汇总表 shows each judge's score only to staff."""
    if kind == "scores":
        return scores_summary(campaign, with_judges=can_see_judge_scores(user))
    return KINDS[kind][1](campaign)
