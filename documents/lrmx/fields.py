"""The LRMX format: element names in file order, their Chinese labels, and the shape of a problem report."""
from __future__ import annotations

from urllib.parse import quote

from cadre.roster import formats as rf
from cadre.models import Cadre

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
    return quote(f"{cadre.name}-{cadre.id_number[-4:]}.lrmx")
