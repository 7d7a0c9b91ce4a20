"""Excel exports opened with openpyxl and checked cell by cell; who may download them; fixed query counts."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from selection import exports
from selection.models import AppStatus, JudgeScore, Source
from selection.tests import factories as f
from selection.workflow import Stage
from tests.xlsx import rows, sheet

pytestmark = pytest.mark.django_db
D = Decimal


def _person(name, **kw):
    kw.setdefault("position_title", "综合科科长")
    kw.setdefault("position_start", dt.date(2019, 3, 1))
    return f.qualified_cadre(name=name, **kw)


@pytest.fixture
def world():
    c = f.campaign(Stage.INSPECTION, title="2026年度中层干部竞争上岗", judges=2)
    p1, p2 = f.posts_of(c)
    zhang = _person("张明", birth=dt.date(1990, 5, 1))
    li = _person("李红", gender="女", birth=dt.date(1988, 11, 20), education="研究生")
    wang = _person("王强", birth=dt.date(1992, 7, 1), education="")
    now = timezone.now()
    a1 = f.application(p1, zhang, suggestion="符合", review_decision="通过", reviewed_at=now, speaking_order=2,
                       speech_score=D("88.50"), evaluation_score=D("90.25"), composite_score=D("89.55"), rank=1,
                       is_inspection_target=True, submitted_at=now)
    a2 = f.application(p1, li, source=Source.MASS, suggestion="不符合", review_decision="放宽通过",
                       review_reason="经领导小组研究放宽", reviewed_at=now, speaking_order=1, speech_score=D("80.00"),
                       evaluation_score=D("85.00"), composite_score=D("83.00"), rank=2, tied=True,
                       is_inspection_target=True, submitted_at=now + dt.timedelta(seconds=1))
    a3 = f.application(p1, wang, source=Source.ORG, suggestion="不符合", review_decision="不通过",
                       review_reason="学历不符合要求", reviewed_at=now, submitted_at=now + dt.timedelta(seconds=2))
    f.application(p2, _person("赵六"), status=AppStatus.DRAFT)
    j1, j2 = list(c.judges.order_by("order", "id"))
    JudgeScore.objects.create(application=a1, judge=j1, score=D("88.0"))
    JudgeScore.objects.create(application=a1, judge=j2, score=D("89.0"))
    JudgeScore.objects.create(application=a2, judge=j1, score=D("80.0"))
    return {"campaign": c, "p1": p1, "p2": p2, "a1": a1, "a2": a2, "a3": a3, "j1": j1, "j2": j2}


def test_registration_summary_cells(world, django_assert_num_queries):
    c, p1 = world["campaign"], world["p1"]
    with django_assert_num_queries(2):  # applications with people and posts, education rows
        content = exports.registration_summary(c)
    data = rows(content)
    assert data[0] == ["2026年度中层干部竞争上岗报名汇总表"]
    assert data[1] == ["序号", "姓名", "性别", "出生年月（年龄）", "学历", "现单位及职务", "任现职时间", "报名职位",
                       "报名方式", "资格审查结果"]
    post = str(p1.post)
    assert data[2] == [1, "张明", "男", "1990.05（36岁）", "大学本科", "青溪经济开发区经济发展局综合科科长", "2019.03",
                       post, "个人自荐", "通过"]
    assert data[3] == [2, "李红", "女", "1988.11（37岁）", "研究生", "青溪经济开发区经济发展局综合科科长", "2019.03",
                       post, "群众举荐", "放宽通过"]
    assert data[4][:5] == [3, "王强", "男", "1992.07（33岁）", None]
    assert data[4][8:] == ["组织推荐", "不通过"]
    assert len(data) == 5  # the draft is not in the summary
    ws = sheet(content)
    assert ws.title == "报名汇总表"
    assert ws["A2"].font.bold and ws["A2"].fill.fgColor.rgb.endswith("F2DCDB")
    assert ws.freeze_panes == "A3"
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}


def test_registration_summary_not_reviewed_yet():
    c = f.campaign(Stage.REVIEW)
    p1, _ = f.posts_of(c)
    f.application(p1, _person("孙七"))
    assert rows(exports.registration_summary(c))[2][9] == "待审查"


def test_review_list_per_post(world):
    c, p1, p2 = world["campaign"], world["p1"], world["p2"]
    data = rows(exports.review_list(c))
    assert data[1] == ["序号", "姓名", "性别", "出生年月", "学历", "现任职务", "系统审查建议", "审查结论", "审查意见"]
    assert data[2] == [f"一、{p1.post}（职数1名）"]
    assert data[3] == [1, "张明", "男", "1990.05", "大学本科", "青溪经济开发区经济发展局综合科科长", "符合", "通过"]
    assert data[4] == [2, "李红", "女", "1988.11", "研究生", "青溪经济开发区经济发展局综合科科长", "不符合", "放宽通过",
                       "经领导小组研究放宽"]
    assert data[5][:2] == [3, "王强"] and data[5][6:] == ["不符合", "不通过", "学历不符合要求"]
    assert data[6] == [f"二、{p2.post}（职数1名）"]
    assert len(data) == 7
    assert sheet(exports.review_list(c)).title == "资格审查名单"


def test_scores_summary_for_staff_has_each_judge(world):
    c, p1 = world["campaign"], world["p1"]
    j1, j2 = world["j1"], world["j2"]
    data = rows(exports.scores_summary(c, with_judges=True))
    assert data[1] == ["综合成绩 = 演讲成绩 40%、民主测评成绩 60%"]
    assert data[2] == ["序号", "姓名", "演讲顺序", f"评委{j1.name}", f"评委{j2.name}", "演讲成绩", "民主测评成绩",
                       "综合成绩", "名次", "是否考察对象"]
    assert data[3] == [f"一、{p1.post}（职数1名）"]
    assert data[4] == [1, "张明", 2, 88.0, 89.0, 88.5, 90.25, 89.55, 1, "是"]
    assert data[5] == [2, "李红", 1, 80.0, None, 80.0, 85.0, 83.0, "2（并列）", "是"]
    assert data[6] == [f"二、{world['p2'].post}（职数1名）"]  # 王强 failed the review: not ranked
    assert len(data) == 7
    ws = sheet(exports.scores_summary(c, with_judges=True))
    assert ws["F5"].number_format == "0.00" and ws.title == "成绩汇总表"


def test_scores_summary_without_judges_and_with_written(world):
    c = world["campaign"]
    c.speech_weight, c.evaluation_weight, c.written_weight = D(30), D(50), D(20)
    c.save()
    a1 = world["a1"]
    a1.written_score = D("75.00")
    a1.save()
    data = rows(exports.scores_summary(c, with_judges=False))
    assert data[1] == ["综合成绩 = 演讲成绩 30%、民主测评成绩 50%、笔试成绩 20%"]
    assert data[2] == ["序号", "姓名", "演讲顺序", "演讲成绩", "民主测评成绩", "笔试成绩", "综合成绩", "名次", "是否考察对象"]
    assert data[4] == [1, "张明", 2, 88.5, 90.25, 75.0, 89.55, 1, "是"]


def test_scores_summary_rows_are_the_qualified_only(world):
    data = rows(exports.scores_summary(world["campaign"], with_judges=False))
    assert [r[1] for r in data[4:] if len(r) > 1] == ["张明", "李红"]


def test_inspection_list(world, django_assert_num_queries):
    c, p1 = world["campaign"], world["p1"]
    with django_assert_num_queries(2):
        content = exports.inspection_list(c)
    data = rows(content)
    assert data[0] == ["2026年度中层干部竞争上岗考察对象名单"]
    assert data[1] == ["序号", "姓名", "性别", "出生年月", "学历", "现任职务", "拟任职位", "综合成绩", "名次"]
    assert data[2] == [1, "张明", "男", "1990.05", "大学本科", "青溪经济开发区经济发展局综合科科长", str(p1.post), 89.55, 1]
    assert data[3] == [2, "李红", "女", "1988.11", "研究生", "青溪经济开发区经济发展局综合科科长", str(p1.post), 83.0, 2]
    assert len(data) == 4


def test_value_formats():
    assert exports.month_text(dt.date(1981, 6, 15)) == "1981.06"
    assert exports.month_text(None) == ""
    assert exports.birth_with_age(dt.date(1981, 6, 15), dt.date(2026, 6, 14)) == "1981.06（44岁）"
    assert exports.birth_with_age(dt.date(1981, 6, 15), dt.date(2026, 6, 15)) == "1981.06（45岁）"


# ---------------------------------------------------------------- downloads

KINDS = ["registrations", "review", "scores", "inspection"]


def _as(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", KINDS)
def test_export_pages_for_readers(client, world, kind):
    c = world["campaign"]
    for user in (f.staff(), f.leader(), f.user(None, roles.OBSERVER)):
        response = _as(client, user).get(reverse(f"selection-export:{kind}", args=[c.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert rows(response.content)[0][0].startswith("2026年度中层干部竞争上岗")


@pytest.mark.parametrize("kind", KINDS)
def test_export_pages_refused(client, world, kind):
    c = world["campaign"]
    url = reverse(f"selection-export:{kind}", args=[c.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    judge_user = world["j1"].user
    assert _as(client, judge_user).get(url).status_code == 403
    cand_user, _ = f.candidate()
    assert _as(client, cand_user).get(url).status_code == 403


def test_scores_export_judge_columns_only_for_staff(client, world):
    c = world["campaign"]
    url = reverse("selection-export:scores", args=[c.pk])
    staff_header = rows(_as(client, f.staff()).get(url).content)[2]
    leader_header = rows(_as(client, f.leader()).get(url).content)[2]
    assert f"评委{world['j1'].name}" in staff_header
    assert not any(str(h).startswith("评委") for h in leader_header)


def test_export_is_audited(client, world):
    from core.models import AuditEvent

    c = world["campaign"]
    _as(client, f.staff()).get(reverse("selection-export:registrations", args=[c.pk]))
    event = AuditEvent.objects.get(action="selection.export.registrations")
    assert event.summary == "导出2026年度中层干部竞争上岗报名汇总表"
