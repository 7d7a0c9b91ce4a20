"""干部任免审批表 as a Word document (.docx, python-docx), for the clerks who pass the form around in Word.

Built from the same plain data as the PDF (``selectors.approval_form_data``), in the standard two-page layout:
表一 — identity with the photo cell, 学历学位, 现任/拟任/拟免职务, 简历; 表二 — 奖惩情况, 年度考核结果, 任免理由,
家庭主要成员及重要社会关系, 呈报单位, 审批机关意见, 行政机关任免意见, and the 填表人 line. Pure: data in, bytes out.
"""
from __future__ import annotations

import base64
import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "宋体"
TITLE_FONT = "方正小标宋简体"
FAMILY_MIN_ROWS = 6  # the printed form leaves room for six relatives
PAGE_ONE_WIDTHS = (19, 21, 19, 21, 21, 24, 49)  # mm, 174 mm in all (A4 less 20 + 16 mm margins)
PAGE_TWO_WIDTHS = (19, 19, 19, 28, 23, 66)


# --- low-level helpers -----------------------------------------------------------------------------------------
def _east_asian(run, font: str = FONT) -> None:
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _write(cell, text: str, *, size: float = 12, align=WD_ALIGN_PARAGRAPH.CENTER, valign=WD_CELL_VERTICAL_ALIGNMENT.CENTER,
           line_spacing: float | None = None) -> None:
    """Replace the cell's text: one paragraph per line of ``text``."""
    cell.vertical_alignment = valign
    lines = str(text or "").split("\n")
    first = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    for i, line in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.paragraph_format.space_after = Pt(0)
        if line_spacing:
            paragraph.paragraph_format.line_spacing = line_spacing
        run = paragraph.add_run(line)
        run.font.size = Pt(size)
        _east_asian(run)


def _label(cell, text: str, size: float = 12) -> None:
    _write(cell, text, size=size)


def _widths(table, widths_mm) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _height(row, mm: float, exact: bool = False) -> None:
    row.height = Mm(mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST


def _table(document, rows: int, widths_mm):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths_mm)
    return table


def _merge(table, r1: int, c1: int, r2: int, c2: int):
    return table.cell(r1, c1).merge(table.cell(r2, c2))


def _photo_bytes(data_uri: str) -> bytes:
    if not data_uri or "," not in data_uri:
        return b""
    try:
        return base64.b64decode(data_uri.split(",", 1)[1])
    except ValueError:
        return b""


def _text(p: dict, key: str) -> str:
    value = p.get(key)
    return "" if value is None else str(value)


# --- the two pages ---------------------------------------------------------------------------------------------
def _page_one(document, p: dict) -> None:
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    run = title.add_run("干部任免审批表")
    run.font.size = Pt(22)
    _east_asian(run, TITLE_FONT)

    t = _table(document, 11, PAGE_ONE_WIDTHS)
    age = f"\n（{p['age']}岁）" if p.get("age") not in (None, "") else ""
    rows = [
        ("姓　名", _text(p, "name"), "性　别", _text(p, "gender"), "出生年月\n（　岁）", _text(p, "birth_text") + age),
        ("民　族", _text(p, "ethnicity"), "籍　贯", _text(p, "native_place"), "出 生 地", _text(p, "birthplace")),
        ("入　党\n时　间", _text(p, "party_text"), "参加工\n作时间", _text(p, "work_start_text"), "健康状况", _text(p, "health")),
    ]
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            (_label if c % 2 == 0 else _write)(t.cell(r, c), value)
        _height(t.rows[r], 13)
    # 专业技术职务 / 熟悉专业有何专长 (row 3)
    _label(t.cell(3, 0), "专业技\n术职务")
    _write(_merge(t, 3, 1, 3, 2), _text(p, "professional_title"))
    _label(t.cell(3, 3), "熟悉专业\n有何专长")
    _write(_merge(t, 3, 4, 3, 5), _text(p, "expertise"))
    _height(t.rows[3], 13)
    # the photo cell: column 7, rows 0–3
    photo_cell = _merge(t, 0, 6, 3, 6)
    photo = _photo_bytes(p.get("photo_data_uri", ""))
    _write(photo_cell, "" if photo else "（照片）", size=10.5)
    if photo:
        try:
            photo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(photo), width=Mm(30), height=Mm(40))
        except (UnrecognizedImageError, UnexpectedEndOfFileError, InvalidImageStreamError, ValueError, OSError):  # a damaged photo file: leave the cell for a print
            _write(photo_cell, "（照片）", size=10.5)
    # 学历学位 (rows 4–5)
    _label(_merge(t, 4, 0, 5, 0), "学　历\n学　位")
    for r, prefix, label in ((4, "ft", "全日制\n教　育"), (5, "pt", "在　职\n教　育")):
        degree = _text(p, f"{prefix}_degree")
        _label(t.cell(r, 1), label)
        _write(_merge(t, r, 2, r, 3), _text(p, f"{prefix}_level") + (f"\n{degree}" if degree else ""))
        _label(t.cell(r, 4), "毕业院校\n系及专业")
        _write(_merge(t, r, 5, r, 6), _text(p, f"{prefix}_school"), align=WD_ALIGN_PARAGRAPH.LEFT)
        _height(t.rows[r], 13)
    # 现任 / 拟任 / 拟免职务 (rows 6–8)
    for r, label, key in ((6, "现 任 职 务", "current_job"), (7, "拟 任 职 务", "proposed"), (8, "拟 免 职 务", "removed")):
        _label(_merge(t, r, 0, r, 1), label)
        _write(_merge(t, r, 2, r, 6), _text(p, key), align=WD_ALIGN_PARAGRAPH.LEFT)
        _height(t.rows[r], 12)
    # 简历 (rows 9–10 merged into one tall cell)
    _label(_merge(t, 9, 0, 10, 0), "简\n\n\n\n历")
    _write(_merge(t, 9, 1, 10, 6), _text(p, "resume_text"), align=WD_ALIGN_PARAGRAPH.LEFT,
           valign=WD_CELL_VERTICAL_ALIGNMENT.TOP, line_spacing=1.5)
    _height(t.rows[9], 55)
    _height(t.rows[10], 55)


def _opinion(cell, text: str = "") -> None:
    _write(cell, (text + "\n\n\n" if text else "\n\n\n") + "（盖章）\n年　　月　　日", align=WD_ALIGN_PARAGRAPH.RIGHT,
           valign=WD_CELL_VERTICAL_ALIGNMENT.BOTTOM)
    if text:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT


def _page_two(document, p: dict) -> None:
    family = list(p.get("family_rows") or [])
    family_rows = max(FAMILY_MIN_ROWS, len(family))
    total = 3 + 1 + family_rows + 3
    t = _table(document, total, PAGE_TWO_WIDTHS)
    for r, label, key, height in ((0, "奖惩\n情况", "rewards_text", 30), (1, "年度\n考核\n结果", "assessments_text", 20),
                                  (2, "任免\n理由", "reason", 22)):
        _label(t.cell(r, 0), label)
        _write(_merge(t, r, 1, r, 5), _text(p, key), align=WD_ALIGN_PARAGRAPH.LEFT, valign=WD_CELL_VERTICAL_ALIGNMENT.TOP)
        _height(t.rows[r], height)
    head = 3
    _label(_merge(t, head, 0, head + family_rows, 0), "家庭\n主要\n成员\n及\n重要\n社会\n关系")
    for c, label in enumerate(("称　谓", "姓　名", "出生年月\n（年龄）", "政治面貌", "工作单位及职务"), start=1):
        _label(t.cell(head, c), label)
    _height(t.rows[head], 11)
    for i in range(family_rows):
        r = head + 1 + i
        member = family[i] if i < len(family) else {}
        birth = _text(member, "birth_text")
        if birth and member.get("age") is not None:
            birth += f"\n（{member['age']}岁）"
        for c, value in enumerate((_text(member, "relation"), _text(member, "name"), birth,
                                   _text(member, "political_status")), start=1):
            _write(t.cell(r, c), value, size=11)
        _write(t.cell(r, 5), _text(member, "work"), size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        _height(t.rows[r], 10)
    r = head + 1 + family_rows
    for offset, label, text in ((0, "呈报\n单位", _text(p, "reporting_unit")), (1, "审批\n机关\n意见", ""),
                                (2, "行政\n机关\n任免\n意见", "")):
        _label(t.cell(r + offset, 0), label)
        _opinion(_merge(t, r + offset, 1, r + offset, 5), text)
        _height(t.rows[r + offset], 28)
    footer = document.add_paragraph()
    footer.paragraph_format.space_before = Pt(4)
    run = footer.add_run(
        f"填表人：{_text(p, 'filled_by')}　　　计算年龄时间：{_text(p, 'as_of_text')}　　　填表时间：{_text(p, 'filled_on_text')}"
    )
    run.font.size = Pt(11)
    _east_asian(run)


def approval_form_docx(p: dict) -> bytes:
    """The 任免审批表 of one person (``selectors.approval_form_data``) as .docx bytes: A4, two pages."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.font.name = FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(18), Mm(16)
    section.left_margin, section.right_margin = Mm(20), Mm(16)
    section.start_type = WD_SECTION.NEW_PAGE
    _page_one(document, p)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _page_two(document, p)
    properties = document.core_properties
    properties.title = f"干部任免审批表-{_text(p, 'name')}"
    properties.author = _text(p, "filled_by")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
