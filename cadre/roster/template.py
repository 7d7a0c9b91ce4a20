"""The import template a clerk downloads: the empty 干部名册 layout (the import's own columns, in the export
order) with a note on every column, drop-down lists for the coded columns, and a 填写说明 sheet that says for
each column whether it is required, what it accepts and an example. Built from ``formats.COLUMNS`` and the
choices, so the template and the importer cannot disagree."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..choices import AssessmentGrade, Education, PoliticalStatus, RankLevel, StaffingType, TitleLevel
from .formats import COLUMNS, REQUIRED_KEYS, SHEET_TITLE

DATE_NOTE = "年月即可，如 1981.06、1981-06、198106、1981年6月；也可写完整日期"
NOTES: dict[str, tuple[str, str]] = {
    # key: (what it accepts, an example)
    "seq": ("序号，可留空；导入时不使用", "1"),
    "name": ("姓名，去掉中间空格；少数民族姓名中的间隔号“·”保留", "张三"),
    "gender": ("男 或 女", "男"),
    "id_number": ("18位公民身份号码，末位X大写；按身份证号识别人员（已有则更新，没有则新建）", "330501198106150012"),
    "birth_date": (DATE_NOTE + "；应与身份证号中的出生日期一致", "1981.06"),
    "ethnicity": ("民族全称或简称，如 汉族、汉、回族", "汉族"),
    "native_place": ("籍贯，如 浙江湖州", "浙江湖州"),
    "birthplace": ("出生地", "浙江湖州"),
    "grew_up_place": ("成长地", "浙江湖州"),
    "work_start_date": (DATE_NOTE, "2003.07"),
    "political_status": ("政治面貌，如 中共党员、中共预备党员、群众；可写简称“党员”", "中共党员"),
    "party_join_date": (DATE_NOTE + "；非党员留空", "2002.06"),
    "staffing_type": ("编制类型", StaffingType.values[0]),
    "unit": ("工作单位全称，与系统中的单位名称一致；系统中没有的单位导入时新建", "青溪经济开发区经济发展局"),
    "position_title": ("现任职务，如 副局长、科员", "副局长"),
    "rank_level": ("职务层次或职级，如 正科级、副科级、一级主任科员", "副科级"),
    "position_start": (DATE_NOTE, "2021.03"),
    "rank_start": (DATE_NOTE, "2021.03"),
    "professional_title": ("专业技术职务，如 高级经济师；没有留空", ""),
    "title_level": ("职称级别，如 正高级、副高级、中级、初级", ""),
    "ft_level": ("全日制教育的最高学历", "大学本科"),
    "ft_degree": ("全日制教育的学位，如 学士、硕士", "学士"),
    "ft_school": ("全日制院校及专业，如 浙江大学经济学专业", "浙江大学经济学专业"),
    "pt_level": ("在职教育的最高学历；没有留空", ""),
    "pt_degree": ("在职教育的学位", ""),
    "pt_school": ("在职院校及专业", ""),
    "health": ("健康状况，如 健康", "健康"),
    "note": ("备注，任意文字", ""),
}
CHOICES: dict[str, list[str]] = {
    "gender": ["男", "女"],
    "political_status": list(PoliticalStatus.values),
    "staffing_type": list(StaffingType.values),
    "rank_level": list(RankLevel.values),
    "title_level": list(TitleLevel.values),
    "ft_level": list(Education.values),
    "pt_level": list(Education.values),
}
ASSESSMENT_NOTE = (
    "年度考核结果可加列，表头写“2025年度考核”“2024年度考核结果”等，每年一列；等次写 "
    + "、".join(AssessmentGrade.values) + "；空白表示没有记录，不会删除已有记录。"
)
HEAD_FILL = PatternFill("solid", fgColor="FDE9E7")
REQUIRED_FONT = Font(bold=True, color="C00000")


def template_workbook() -> bytes:
    """The .xlsx bytes of the empty import template."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append([header for _key, header, _aliases in COLUMNS])
    choices_ws = wb.create_sheet("选项")
    choices_ws.sheet_state = "hidden"
    for col, (key, header, aliases) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col)
        required = key in REQUIRED_KEYS
        cell.font = REQUIRED_FONT if required else Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        accepts, _example = NOTES.get(key, ("", ""))
        text = ("【必填】" if required else "") + accepts
        if aliases:
            text += "。表头也可写：" + "、".join(aliases)
        cell.comment = Comment(text, "组织部", width=260, height=120)
        ws.column_dimensions[get_column_letter(col)].width = max(8, min(24, len(header) * 2 + 4))
        if key in CHOICES:
            options = CHOICES[key]
            letter = get_column_letter(col)
            for row, value in enumerate(options, start=1):
                choices_ws.cell(row=row, column=col, value=value)
            dv = DataValidation(type="list", formula1=f"=选项!${letter}$1:${letter}${len(options)}", allow_blank=True,
                                showErrorMessage=False)
            dv.add(f"{letter}2:{letter}5000")
            ws.add_data_validation(dv)
        if key == "id_number":  # a text column, so Excel keeps all 18 digits
            ws.column_dimensions[get_column_letter(col)].number_format = "@"
    ws.freeze_panes = "C2"
    ws.row_dimensions[1].height = 30

    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写要求", "示例"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    for key, header, aliases in COLUMNS:
        accepts, example = NOTES.get(key, ("", ""))
        if key in CHOICES:
            accepts += "。可选：" + "、".join(CHOICES[key])
        if aliases:
            accepts += "。表头也可写：" + "、".join(aliases)
        notes.append([header, "必填" if key in REQUIRED_KEYS else "选填", accepts, example])
    notes.append(["（年度考核）", "选填", ASSESSMENT_NOTE, "称职"])
    notes.append(["说明", "", "第一行可以是合并的标题行；表头为第一个含“姓名”的行；列的顺序不限；有任何错误都不会写入，"
                  "可下载标出错误的表格修改后重新上传。", ""])
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (16, 10, 80, 28), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
