"""Realistic sample data for every campaign document kind (tests, bench and screenshots)."""
import datetime as dt

from documents.campaign_docs import (
    Appointment,
    AppointmentNoticeData,
    Issuer,
    ListNoticeData,
    Move,
    PersonLine,
    PostAnnouncementData,
    PostSpec,
    PostWithPeople,
    PreAppointmentNoticeData,
    RotationNoticeData,
)
from documents.formatting import doc_number
from documents.models import DocumentKind

ISSUER = Issuer(
    organ="中共东林经济开发区工作委员会组织部",
    organ_mark="中共东林经济开发区工委组织部文件",
    contact_person="王老师",
    contact_phone="0572-2381234",
    contact_address="东林经济开发区管委会大楼三楼组织部（邮编313000）",
    contact_mail="dlkfq_zzb@example.gov.cn",
)
POSTS = [
    PostSpec("财政局", "副局长", "副科级", 1, ["具有财会、经济类专业背景", "大学本科及以上学历"]),
    PostSpec("经济发展局", "副局长", "副科级", 1, ["熟悉招商引资和产业政策"]),
    PostSpec("东林镇人民政府", "副镇长", "副科级", 2, ["具有2年以上基层工作经历"]),
]
NAMES = ["张晓明", "李红梅", "王建国", "赵丽", "陈思远", "刘洋", "周敏", "吴海峰", "郑雪", "孙志强"]


def person(i: int) -> PersonLine:
    return PersonLine(
        name=NAMES[i % len(NAMES)] if i < len(NAMES) else f"{NAMES[i % len(NAMES)][0]}某{i}",
        gender="女" if i % 3 == 1 else "男",
        birth=dt.date(1984 + i % 8, 1 + i % 12, 1),
        native_place=["浙江湖州", "浙江德清", "江苏宜兴", "安徽广德"][i % 4],
        education=["大学本科", "研究生", "大学本科", "大学专科"][i % 4],
        political_status="中共党员",
        current_post=["财政局预算科科长", "东林镇党政办主任", "经济发展局综合科科长", "招商服务中心主任"][i % 4],
        proposed_post=["财政局副局长", "东林镇副镇长", "经济发展局副局长", "东林镇副镇长"][i % 4],
    )


def post_announcement() -> PostAnnouncementData:
    return PostAnnouncementData(
        campaign_title="2026年度开发区中层干部竞争上岗",
        issuer=ISSUER,
        issue_date=dt.date(2026, 11, 23),
        posts=POSTS,
        registration_start=dt.date(2026, 11, 24),
        registration_end=dt.date(2026, 11, 30),
        general_conditions=[
            "具有正确的政治方向，遵守党的纪律和规矩，近三年年度考核均为称职以上等次。",
            "任现职级满2年，年龄在45周岁以下（1981年11月23日以后出生）。",
        ],
        how_to_apply=[
            "报名采取个人自荐、群众举荐和组织推荐三种方式，每人限报1个职位。",
            "报名人员登录干部工作系统填写《竞争科级职位申请（推荐）表》，或到组织部现场报名。",
        ],
        document_number=doc_number("东开组", 2026, 12),
    )


def list_notice(kind: str = DocumentKind.QUALIFICATION_NOTICE) -> ListNoticeData:
    return ListNoticeData(
        campaign_title="2026年度开发区中层干部竞争上岗",
        issuer=ISSUER,
        issue_date=dt.date(2026, 12, 7),
        groups=[PostWithPeople(post=POSTS[0], people=[person(0), person(1), person(2)]),
                PostWithPeople(post=POSTS[2], people=[person(3), person(4), person(5), person(6)])],
        period_start=dt.date(2026, 12, 7),
        period_end=dt.date(2026, 12, 11),
    )


def pre_appointment(people=None) -> PreAppointmentNoticeData:
    return PreAppointmentNoticeData(
        issuer=ISSUER,
        issue_date=dt.date(2026, 11, 23),
        people=people if people is not None else [person(0), person(1), person(3)],
        start_date=dt.date(2026, 11, 24),
    )


def appointment_notice() -> AppointmentNoticeData:
    return AppointmentNoticeData(
        issuer=ISSUER,
        issue_date=dt.date(2026, 12, 21),
        document_number=doc_number("东开组", 2026, 15),
        title="关于张晓明等同志职务聘任的通知",
        addressee="管委会各部门，各镇（街道），各直属单位",
        decision="经党工委会议研究决定，并报市委组织部同意：",
        appointments=[
            Appointment("张晓明", "财政局副局长", "财政局预算科科长", is_new_promotion=True),
            Appointment("李红梅", "东林镇副镇长", "东林镇党政办主任", is_new_promotion=True),
            Appointment("王建国", "经济发展局副局长", "招商服务中心副主任"),
        ],
        copy_to="市委组织部，开发区纪工委",
        printed_by="中共东林经济开发区工委组织部",
    )


def rotation_notice() -> RotationNoticeData:
    return RotationNoticeData(
        issuer=ISSUER,
        issue_date=dt.date(2026, 12, 28),
        document_number=doc_number("东开组", 2026, 18),
        title="关于赵丽等同志轮岗交流的通知",
        addressee="管委会各部门，各镇（街道）",
        decision="根据《开发区中层干部轮岗交流工作方案》，经党工委研究，决定对下列同志进行轮岗交流：",
        moves=[
            Move("赵丽", "财政局副局长", "审计局副局长", "交流"),
            Move("陈思远", "东林镇副镇长", "南湖街道办事处副主任", "交流"),
            Move("刘洋", "经济发展局综合科科长", "经济发展局产业科科长", "轮岗"),
        ],
        report_by=dt.date(2027, 1, 8),
        copy_to="市委组织部",
        printed_by="中共东林经济开发区工委组织部",
    )


def all_campaign_samples() -> dict:
    return {
        DocumentKind.POST_ANNOUNCEMENT: post_announcement(),
        DocumentKind.QUALIFICATION_NOTICE: list_notice(DocumentKind.QUALIFICATION_NOTICE),
        DocumentKind.INSPECTION_NOTICE: list_notice(DocumentKind.INSPECTION_NOTICE),
        DocumentKind.PRE_APPOINTMENT_NOTICE: pre_appointment(),
        DocumentKind.APPOINTMENT_NOTICE: appointment_notice(),
        DocumentKind.ROTATION_NOTICE: rotation_notice(),
    }
