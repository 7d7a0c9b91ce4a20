"""seed_demo's campaigns: one finished through all 11 stages by the real services, one open for registration."""
import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from cadre.models import PostHistory
from documents.models import DocumentKind, GeneratedDocument
from selection.demo import FINISHED_TITLE, OPEN_TITLE
from selection.models import Application, AppStatus, Campaign, StageEvent
from selection.workflow import ORDER, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(dt.datetime(2026, 11, 23, 9, 0), tick=False):
        out = io.StringIO()
        call_command("seed_demo", "--size", "400", stdout=out)
        yield out.getvalue()
        from django.core.management import call_command as cc

        cc("flush", "--noinput", verbosity=0)


def test_finished_campaign_went_through_every_stage(seeded):
    c = Campaign.objects.get(title=FINISHED_TITLE)
    assert c.stage == Stage.COMPLETED
    moves = list(StageEvent.objects.filter(campaign=c).exclude(action="create").order_by("created_at", "id"))
    assert [e.from_stage for e in moves] == list(ORDER)
    assert moves[3].actor is None and moves[3].actor_label  # 报名截止 by the beat task
    assert moves[0].created_at.date() == dt.date(2026, 6, 22) and moves[-1].created_at.date() == dt.date(2026, 9, 3)
    appointed = Application.objects.filter(campaign=c, appointed_on__isnull=False)
    assert appointed.count() == 2
    for app in appointed:
        row = PostHistory.objects.get(cadre=app.cadre, end__isnull=True, post=app.campaign_post.post)
        assert (row.method, row.start) == ("竞争上岗", dt.date(2026, 9, 3))
        assert app.term_end == dt.date(2028, 9, 2)
    kinds = set(GeneratedDocument.objects.filter(subject_key=c.scope).values_list("kind", flat=True))
    assert {DocumentKind.POST_ANNOUNCEMENT, DocumentKind.QUALIFICATION_NOTICE, DocumentKind.PRE_APPOINTMENT_NOTICE,
            DocumentKind.APPOINTMENT_NOTICE} <= kinds
    assert c.ballot_session.status == "closed"
    assert c.publicity_start == dt.date(2026, 8, 24) and c.publicity_end == dt.date(2026, 8, 28)


def test_open_campaign_is_taking_applications(seeded):
    c = Campaign.objects.get(title=OPEN_TITLE)
    assert c.stage == Stage.REGISTRATION
    assert c.registration_start <= dt.date(2026, 11, 23) <= c.registration_end
    assert Application.objects.filter(campaign=c, status=AppStatus.SUBMITTED).exists()
    assert Application.objects.filter(campaign=c, status=AppStatus.PENDING, cadre__user__username="cadre1").exists()
    assert "judge5" in seeded and "leader2" in seeded


def test_second_run_adds_nothing(seeded):
    before = (Campaign.objects.count(), Application.objects.count(), StageEvent.objects.count())
    call_command("seed_demo", "--size", "400", stdout=io.StringIO())
    assert (Campaign.objects.count(), Application.objects.count(), StageEvent.objects.count()) == before
