"""Controlled vocabularies of the roster, with the aliases the import accepts (formats.md)."""
from django.db import models

# GB/T 3304 民族 codes
ETHNICITIES = [
    ("01", "汉族"), ("02", "蒙古族"), ("03", "回族"), ("04", "藏族"), ("05", "维吾尔族"), ("06", "苗族"),
    ("07", "彝族"), ("08", "壮族"), ("09", "布依族"), ("10", "朝鲜族"), ("11", "满族"), ("12", "侗族"),
    ("13", "瑶族"), ("14", "白族"), ("15", "土家族"), ("16", "哈尼族"), ("17", "哈萨克族"), ("18", "傣族"),
    ("19", "黎族"), ("20", "傈僳族"), ("21", "佤族"), ("22", "畲族"), ("23", "高山族"), ("24", "拉祜族"),
    ("25", "水族"), ("26", "东乡族"), ("27", "纳西族"), ("28", "景颇族"), ("29", "柯尔克孜族"), ("30", "土族"),
    ("31", "达斡尔族"), ("32", "仫佬族"), ("33", "羌族"), ("34", "布朗族"), ("35", "撒拉族"), ("36", "毛南族"),
    ("37", "仡佬族"), ("38", "锡伯族"), ("39", "阿昌族"), ("40", "普米族"), ("41", "塔吉克族"), ("42", "怒族"),
    ("43", "乌孜别克族"), ("44", "俄罗斯族"), ("45", "鄂温克族"), ("46", "德昂族"), ("47", "保安族"),
    ("48", "裕固族"), ("49", "京族"), ("50", "塔塔尔族"), ("51", "独龙族"), ("52", "鄂伦春族"), ("53", "赫哲族"),
    ("54", "门巴族"), ("55", "珞巴族"), ("56", "基诺族"),
]
ETHNICITY_BY_NAME = {name: code for code, name in ETHNICITIES}
ETHNICITY_BY_NAME.update({name[:-1]: code for code, name in ETHNICITIES})  # 汉 → 01, 蒙古 → 02
ETHNICITY_NAME = dict(ETHNICITIES)


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class PoliticalStatus(models.TextChoices):
    CPC = "中共党员", "中共党员"
    CPC_PROBATIONARY = "中共预备党员", "中共预备党员"
    CYL = "共青团员", "共青团员"
    RCCK = "民革会员", "民革会员"
    CDL = "民盟盟员", "民盟盟员"
    CNDCA = "民建会员", "民建会员"
    CAPD = "民进会员", "民进会员"
    CPWDP = "农工党党员", "农工党党员"
    CZGP = "致公党党员", "致公党党员"
    JS = "九三学社社员", "九三学社社员"
    TDSGL = "台盟盟员", "台盟盟员"
    NONPARTY = "无党派人士", "无党派人士"
    MASSES = "群众", "群众"


POLITICAL_ALIASES = {"党员": "中共党员", "预备党员": "中共预备党员", "团员": "共青团员", "无党派": "无党派人士"}
DEMOCRATIC_PARTIES = {"民革会员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "九三学社社员", "台盟盟员"}


class StaffingType(models.TextChoices):
    CIVIL_SERVANT = "公务员", "公务员"
    REFERENCE = "参公", "参公"
    INSTITUTION = "事业", "事业"
    ENTERPRISE = "企业", "企业"


STAFFING_ALIASES = {
    "公务员编制": "公务员", "行政编制": "公务员", "行政": "公务员", "参照公务员法管理": "参公", "参照公务员": "参公",
    "参公编制": "参公", "事业编制": "事业", "事业单位": "事业", "企业编制": "企业", "企业人员": "企业",
}


class Education(models.TextChoices):
    POSTGRADUATE = "研究生", "研究生"
    BACHELOR = "大学本科", "大学本科"
    COLLEGE = "大学专科", "大学专科"
    SECONDARY = "中专", "中专"
    HIGH_SCHOOL = "高中及以下", "高中及以下"


EDUCATION_ALIASES = {
    "博士研究生": "研究生", "硕士研究生": "研究生", "研究生学历": "研究生", "本科": "大学本科", "大学": "大学本科",
    "大专": "大学专科", "专科": "大学专科", "中等专科": "中专", "中技": "中专", "技校": "中专", "高中": "高中及以下",
    "初中": "高中及以下", "小学": "高中及以下", "职高": "高中及以下",
}
# higher number = higher education (eligibility.md: 研究生 > 大学本科 > 大学专科 > 中专 > 高中及以下)
EDUCATION_RANK = {"研究生": 5, "大学本科": 4, "大学专科": 3, "中专": 2, "高中及以下": 1}


class EducationMode(models.TextChoices):
    FULL_TIME = "全日制", "全日制"
    PART_TIME = "在职", "在职"


class TitleLevel(models.TextChoices):
    JUNIOR = "初级", "初级"
    INTERMEDIATE = "中级", "中级"
    ASSOCIATE_SENIOR = "副高级", "副高级"
    SENIOR = "正高级", "正高级"


TITLE_LEVEL_ALIASES = {"副高": "副高级", "正高": "正高级", "高级": "副高级", "员级": "初级", "助理级": "初级"}
TITLE_LEVEL_RANK = {"初级": 1, "中级": 2, "副高级": 3, "正高级": 4}


class RankLevel(models.TextChoices):
    """职务层次: leadership levels and the 职级 ladder (公务员职务与职级并行)."""

    ZHENGKE = "正科级", "正科级"
    FUKE = "副科级", "副科级"
    YJ_DYY = "一级调研员", "一级调研员"
    EJ_DYY = "二级调研员", "二级调研员"
    SJ_DYY = "三级调研员", "三级调研员"
    SIJ_DYY = "四级调研员", "四级调研员"
    YJ_ZRKY = "一级主任科员", "一级主任科员"
    EJ_ZRKY = "二级主任科员", "二级主任科员"
    SJ_ZRKY = "三级主任科员", "三级主任科员"
    SIJ_ZRKY = "四级主任科员", "四级主任科员"
    YJ_KY = "一级科员", "一级科员"
    EJ_KY = "二级科员", "二级科员"
    KEYUAN = "科员", "科员"
    BANSHIYUAN = "办事员", "办事员"


RANK_ALIASES = {"正科": "正科级", "副科": "副科级", "正科职": "正科级", "副科职": "副科级"}
LEADERSHIP_LEVELS = {"正科级", "副科级"}
# Grade of a 职务层次 for "the level or above" comparisons: 副科 = 1, 正科 = 2, 副处 = 3, 正处 = 4 (domain.md
# equivalences: 一级/二级主任科员 ≈ 正科, 三级/四级主任科员 ≈ 副科).
RANK_GRADE = {
    "一级调研员": 4, "二级调研员": 4, "三级调研员": 3, "四级调研员": 3,
    "正科级": 2, "一级主任科员": 2, "二级主任科员": 2,
    "副科级": 1, "三级主任科员": 1, "四级主任科员": 1,
    "一级科员": 0, "二级科员": 0, "科员": 0, "办事员": 0,
}
# 职务 order for the default roster sort (higher first)
RANK_ORDER = {value: i for i, value in enumerate(RankLevel.values)}


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "优秀", "优秀"
    COMPETENT = "称职", "称职"
    BASIC = "基本称职", "基本称职"
    INCOMPETENT = "不称职", "不称职"
    UNDETERMINED = "未定等次", "未定等次"


ASSESSMENT_ALIASES = {"合格": "称职", "不合格": "不称职", "基本合格": "基本称职", "不定等次": "未定等次"}


class UnitKind(models.TextChoices):
    ORGAN = "机关", "机关"
    TOWNSHIP = "乡镇", "乡镇"
    SUBDISTRICT = "街道", "街道"
    INSTITUTION = "事业单位", "事业单位"
    ENTERPRISE = "企业", "企业"


class KeyArea(models.TextChoices):
    DISCIPLINE = "纪检监察", "纪检监察"
    ORGANIZATION = "组织", "组织"
    PERSONNEL = "人事", "人事"
    POLICE = "公安", "公安"
    FINANCE = "财政", "财政"
    AUDIT = "审计", "审计"
    COURT = "法院", "法院"
    PROCURATORATE = "检察院", "检察院"


class PostKind(models.TextChoices):
    LEADERSHIP = "领导职务", "领导职务"
    NON_LEADERSHIP = "职级", "非领导职务/职级"


class AppointmentMethod(models.TextChoices):
    PROMOTION = "提拔", "提拔"
    TRANSFER = "平级交流", "平级交流"
    COMPETITION = "竞争上岗", "竞争上岗"
    SECONDMENT = "挂职", "挂职"
    DEMOTION = "降职", "降职"
    OTHER = "其他", "其他"


class SanctionKind(models.TextChoices):
    REWARD = "奖励", "奖励"
    PARTY_SANCTION = "党纪处分", "党纪处分"
    ADMIN_SANCTION = "政务处分", "政务处分"
    ORG_HANDLING = "组织处理", "组织处理"


class CadreStatus(models.TextChoices):
    ACTIVE = "在职", "在职"
    RETIRED = "退休", "退休"
    LEFT = "调离", "调离"


FAMILY_RELATIONS = [
    "配偶", "父亲", "母亲", "儿子", "女儿", "哥哥", "弟弟", "姐姐", "妹妹", "祖父", "祖母", "外祖父", "外祖母",
    "孙子", "孙女", "外孙", "外孙女", "岳父", "岳母", "公公", "婆婆", "儿媳", "女婿", "伯父", "叔父", "姑母",
    "舅父", "姨母", "堂兄弟", "堂姐妹", "表兄弟", "表姐妹", "侄子", "侄女", "外甥", "外甥女", "配偶的兄弟姐妹",
    "兄弟姐妹的配偶", "其他",
]
