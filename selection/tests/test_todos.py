"""The home page's 竞争上岗 items per role (selection/todos.py through core.todos and the home view)."""
import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selection.models import AppStatus, Source
from selection.tests import factories as f
from selection.workflow import Stage

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_staff_sees_each_running_campaign_with_its_next_step_and_deadline(client):
    c = f.campaign(Stage.REGISTRATION)
    f.campaign(Stage.COMPLETED, title="已完成的一批")
    page = home(client, f.staff())
    assert "竞争上岗工作" in page and c.title in page and "（公开报名）" in page
    assert "下一步：报名截止" in page
    assert f"截止 {c.registration_end.month}月{c.registration_end.day}日" in page
    assert "已完成的一批" not in page
    assert reverse("selection:campaign", args=[c.pk]) in page


def test_leader_sees_what_waits_for_approval_and_staff_sees_it_as_waiting_for_the_leaders(client):
    c = f.campaign(Stage.PLAN_APPROVAL)
    page = home(client, f.leader())
    assert "待我审批" in page and c.title in page and "请审阅后批准或退回" in page
    staff_page = home(client, f.staff())
    assert "待我审批" not in staff_page and "等待领导小组：批准方案" in staff_page


def test_judge_sees_the_sheet_only_while_scoring_is_open(client):
    c = f.campaign(Stage.SPEECH, judges=1, speech_date=dt.date(2026, 7, 20))
    judge = c.judges.get().user
    f.qualified_application(f.posts_of(c)[0])
    f.qualified_application(f.posts_of(c)[1])
    page = home(client, judge)
    assert "待评分" in page and "演讲评分表" in page and "还有 2 人待评" in page
    assert reverse("selection:judge-scores", args=[c.pk]) in page
    c.stage = Stage.REGISTRATION
    c.save(update_fields=["stage"])
    later = home(client, judge)
    assert "演讲评分表" not in later and "目前没有等待您处理的事项" in later


def test_candidate_sees_a_nomination_to_answer_and_the_way_out(client):
    c = f.campaign(Stage.REGISTRATION)
    person, cadre = f.candidate("nominee")
    app = f.application(f.posts_of(c)[0], cadre, status=AppStatus.PENDING, source=Source.ORG)
    page = home(client, person)
    assert "我的竞争上岗" in page and "组织推荐您报名" in page and "请答复" in page
    assert "婉拒推荐" in page
    assert reverse("selection:my-application", args=[app.pk]) in page
    assert "正在报名，开放职位 2 个" in page


def test_someone_without_a_role_sees_the_welcome_text(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="pass12345")
    page = home(client, user)
    assert "尚未关联干部档案或工作角色" in page and "我的待办" not in page


def test_the_home_page_reads_a_fixed_number_of_queries(client, django_assert_num_queries):
    staff = f.staff()
    f.campaign(Stage.REGISTRATION)
    client.force_login(staff)
    client.get(reverse("home"))  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    f.campaign(Stage.REVIEW)
    f.campaign(Stage.SPEECH)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("home"))


def test_waiting_time_is_counted_from_the_stage_start(client):
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        c = f.campaign(Stage.PLAN_APPROVAL)
    with time_machine.travel(dt.datetime(2026, 7, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        page = home(client, f.leader())
    assert c.title in page and "已等待 3天" in page


@pytest.mark.parametrize(("stage", "expected"), [
    (Stage.REGISTRATION, "演讲评分尚未开始：本次工作目前处于“公开报名”阶段"),
    (Stage.SPEECH, "请按演讲顺序评分"),
    (Stage.EVALUATION, "评分已结束，以下为您的评分（只读）"),
    (Stage.CANCELLED, "本次竞争上岗工作已终止"),
])
def test_the_score_sheet_speaks_of_the_campaign_stage(client, stage, expected):
    c = f.campaign(stage, judges=1, speech_date=dt.date(2026, 7, 20))
    client.force_login(c.judges.get().user)
    page = client.get(reverse("selection:judge-scores", args=[c.pk])).content.decode()
    assert expected in page
    if stage in (Stage.REGISTRATION, Stage.SPEECH):
        assert "演讲日期：2026年7月20日" in page
