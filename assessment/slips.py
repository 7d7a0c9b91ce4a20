"""Printable code slips (PDF with QR, xlsx) and the 测评结果汇总表 workbook.

Slips are rendered from the plain codes held only for the issuing request: nothing here writes a file or
keeps a code. When the documents app's GeneratedDocument framework exists, ``results_xlsx`` can move there;
``slips_pdf``/``slips_xlsx`` must stay transient (a stored slip file would be a stored code).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from weasyprint import HTML

from core import xlsx

from .codes import display_code


@dataclass
class Slip:
    serial: int
    code: str
    url: str  # ballot page with the code in the fragment: …/vote/<id>/#c=CODE
    group: str = ""  # 测评人类别 printed on the slip

    @property
    def display(self) -> str:
        return display_code(self.code)

    @property
    def qr_data_uri(self) -> str:
        return segno.make(self.url, error="m").svg_data_uri(scale=3, border=1)


def make_slips(*, codes_with_serials: list[tuple[int, str]], ballot_url: str, group: str = "") -> list[Slip]:
    return [Slip(serial, code, f"{ballot_url}#c={code}", group) for serial, code in codes_with_serials]


def _font_path() -> str:
    paths = getattr(settings, "PDF_FONT_PATHS", None) or ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
    return paths[0]


def slips_pdf(*, session, slips: list[Slip]) -> bytes:
    """The slips of one issue (one or several groups, each slip names its group), ten to an A4 page."""
    html = render_to_string("assessment/slips_pdf.html", {"session": session, "slips": slips, "font_path": _font_path()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def slips_xlsx(*, session, slips: list[Slip]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "测评码"
    xlsx.append(ws, [f"{session.title} · 测评码清单（仅此一次导出，请妥善保管，发放后销毁本表）"])
    xlsx.append(ws, ["票号", "测评人类别", "测评码", "投票地址（扫码或打开后输入测评码）"])
    for slip in slips:
        xlsx.append(ws, [slip.serial, slip.group, slip.display, slip.url])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCD", (8, 16, 18, 90)):
        ws.column_dimensions[col].width = width
    return _save(wb)


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pct(value) -> str:
    return "" if value is None else f"{float(value) * 100:.2f}%"


THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2DCDB")


def rate_columns(option_set: str) -> list[tuple[str, str]]:
    if option_set == "评价":
        return [("excellent_rate", "优秀率"), ("competent_rate", "称职以上率")]
    if option_set == "推荐":
        return [("approval_rate", "同意率")]
    return [("good_rate", "优良率")]


def results_xlsx(*, session, result: dict) -> bytes:
    """测评结果汇总表: one sheet overall (with weighted score), one sheet per target × group."""
    wb = Workbook()
    ws = wb.active
    ws.title = "测评结果汇总表"
    options = result["options"]
    rates = rate_columns(result["option_set"])
    header = ["序号", "姓名", "说明", *options, "有效票", "无效票", "未填", *[label for _k, label in rates], "加权得分"]
    xlsx.append(ws, [f"{session.title} 测评结果汇总表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    xlsx.append(ws, [
        f"测评日期：{session.vote_date or ''}　发出 {result['issued']} 张，收回 {result['returned']} 张，参评率 "
        f"{_pct(result['participation'])}（下限 {_pct(result['threshold'])}）"
        + ("" if result["participation_ok"] else "　参评率不足，本次测评无效")
    ])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    xlsx.append(ws, header)
    for i, t in enumerate(result["targets"], 1):
        o = t["overall"]
        xlsx.append(ws, [
            i, t["name"], t["description"], *[o["counts"][opt] for opt in options], o["valid"], o["invalid"], o["blank"],
            *[_pct(o.get(k)) for k, _l in rates], float(t["score"]) if t["score"] is not None else "",
        ])
    _style_table(ws, 3, len(header))
    xlsx.append(ws, [])
    xlsx.append(ws, ["测评人类别权重：" + "；".join(f"{g['name']} {g['weight']}%" for g in result["participation_by_group"])])
    if session.result_hash:
        xlsx.append(ws, [f"结果摘要（SHA-256）：{session.result_hash}"])

    ws2 = wb.create_sheet("分类别统计")
    header2 = ["姓名", "测评人类别", *options, "有效票", "无效票", "未填", *[label for _k, label in rates], "平均分"]
    xlsx.append(ws2, header2)
    for t in result["targets"]:
        for g in t["groups"]:
            xlsx.append(ws2, [
                t["name"], g["name"], *[g["counts"][opt] for opt in options], g["valid"], g["invalid"], g["blank"],
                *[_pct(g.get(k)) for k, _l in rates], float(g["mean_score"]) if g["mean_score"] is not None else "",
            ])
    _style_table(ws2, 1, len(header2))
    merged = [g for g in result["groups"] if g.get("merged")]
    if merged:
        xlsx.append(ws2, [])
        xlsx.append(ws2, [f"“其他”合并了{'、'.join(merged[0]['merged'])}（不足 {result['min_group_ballots']} 票的类别不单独显示，"
                           f"“其他”本身不足 {result['min_group_ballots']} 票时再并入票数最少的类别）"])
    return _save(wb)


def _style_table(ws, header_row: int, width: int):
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=width):
        for cell in row:
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col in range(1, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.column_dimensions["C"].width = 20
