"""Whoever a new stage waits for hears of it: the bell and an e-mail (selection/services/waiting.py)."""
import pytest
from django.core import mail

from documents.models import Notification
from selection import services
from selection.tests import factories as F
from selection import workflow
from selection.workflow import Stage

pytestmark = pytest.mark.django_db


def test_a_plan_sent_for_approval_reaches_the_leader_in_the_bell_and_by_mail(django_capture_on_commit_callbacks):
    c = F.CampaignFactory(stage=Stage.PREPARATION)
    w = c.world
    w.leader.email = "leader@example.cn"
    w.leader.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_transition(actor=w.staff, campaign=c, action="submit_plan")
    note = Notification.objects.get(user=w.leader)
    assert note.title == f"{c.title}：工作方案待审批" and note.link.endswith(f"/selection/{c.pk}/")
    assert [m.to for m in mail.outbox] == [["leader@example.cn"]]
    assert "工作方案待审批" in mail.outbox[0].subject
    note.refresh_from_db()
    assert note.emailed_at is not None
    assert not Notification.objects.filter(user=w.staff).exists()


def test_the_judges_hear_that_scoring_has_begun_and_nobody_twice():
    c = F.CampaignFactory(stage=Stage.SPEECH)  # reached through the real start_speech move
    w = c.world
    judges = [j.user for j in w.judges]
    assert judges
    for user in judges:
        note = Notification.objects.get(user=user)
        assert note.title.endswith("演讲评分已开始") and f"/selection/judge/{c.pk}/" in note.link
    assert not Notification.objects.filter(user=w.leader, title__endswith="演讲评分已开始").exists()
    assert not mail.outbox  # the judges have no e-mail address: the bell only



def test_starting_the_speeches_records_the_speech_date_the_sheets_show():
    c = F.CampaignFactory(stage=Stage.SPEECH)
    c.refresh_from_db()
    assert c.speech_date == services.today()  # the default: the day the move was taken
    note = Notification.objects.filter(user=c.world.judges[0].user).get()
    assert f"演讲日期：{c.speech_date.year}年{c.speech_date.month}月{c.speech_date.day}日" in note.body
    move = workflow.transition_for("start_speech", Stage.REVIEW)
    assert [i.name for i in move.inputs] == ["speech_date"] and not move.inputs[0].required
