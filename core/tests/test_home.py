"""The home page (core.todos): every role lands on its to-do list; core's own items (the observer's recent
audit entries, staff's unfinished jobs); the job page a to-do links to."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cadre.audit import AuditAction as CadreAction
from core.audit import audit
from core.models import BackgroundJob
from core.todos import Todo
from documents.models import Notification
from selection.tests import factories as f

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    return client.get(reverse("home"))


@pytest.mark.parametrize("who", ["staff_user", "leader_user", "judge_user", "observer_user", "candidate_user"])
def test_every_role_lands_on_its_home_page_not_the_roster(request, client, who):
    response = home(client, request.getfixturevalue(who))
    assert response.status_code == 200
    page = response.content.decode()
    assert "我的待办" in page and "尚未关联干部档案" not in page


def test_observer_sees_recent_audit_entries_with_chinese_labels(client, observer_user, staff_user):
    audit(actor=staff_user, action=CadreAction.DEMO_SEED, summary="生成演示数据：10 名干部")
    page = home(client, observer_user).content.decode()
    assert "最近操作记录" in page and "生成演示数据：生成演示数据：10 名干部" in page and "demo.seed<" not in page


def test_staff_sees_their_failed_and_running_jobs_only(client, staff_user, leader_user):
    failed = BackgroundJob.objects.create(kind="cadre.roster_import", created_by=staff_user,
                                          status=BackgroundJob.Status.FAILED, message="第3行身份证号有误")
    BackgroundJob.objects.create(kind="cadre.roster_import", created_by=staff_user, status=BackgroundJob.Status.DONE,
                                 message="已完成导入")
    BackgroundJob.objects.create(kind="cadre.roster_import", created_by=leader_user,
                                 status=BackgroundJob.Status.RUNNING, message="别人的任务")
    page = home(client, staff_user).content.decode()
    assert "导入与后台任务" in page and "失败：第3行身份证号有误" in page
    assert "已完成导入" not in page and "别人的任务" not in page
    assert reverse("job-status", args=[failed.pk]) in page


def test_the_job_link_opens_a_whole_page_and_htmx_still_gets_the_fragment(client, staff_user):
    job = BackgroundJob.objects.create(kind="x", created_by=staff_user, status=BackgroundJob.Status.RUNNING)
    client.force_login(staff_user)
    page = client.get(reverse("job-status", args=[job.pk])).content.decode()
    assert "<html" in page and "后台任务（编号" in page
    fragment = client.get(reverse("job-status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and f'id="job-{job.pk}"' in fragment


def test_waited_and_deadline_labels():
    with time_machine.travel(dt.datetime(2026, 7, 10, 12, 0, tzinfo=dt.timezone.utc), tick=False):
        today = timezone.localdate()
        item = Todo(title="t", url="/", since=timezone.now() - dt.timedelta(days=4), deadline=today + dt.timedelta(days=2))
        assert item.waited_label == "4天" and item.days_left == 2
        assert Todo(title="t", url="/", since=today).waited_label == "今天"
        assert Todo(title="t", url="/").waited_label == "" and Todo(title="t", url="/").days_left is None


def test_work_comes_before_reminders(client, leader_user):
    f.campaign("plan_approval")
    Notification.objects.create(user=leader_user, source="x", dedup_key="k", title="提醒一条")
    page = home(client, leader_user).content.decode()
    assert page.index("待我审批") < page.index("未读提醒")
