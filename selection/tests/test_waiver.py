"""个别放宽 in a campaign: a leader lifts a rule for one applicant (campaign scope), the suggestion follows."""
import pytest
from django.urls import reverse
from django.utils import timezone

from cadre.models import EligibilityWaiver
from core.exceptions import ApplicationError
from core.models import AuditEvent
from selection import services
from selection.services import suggestions_refresh
from selection.tests import factories as f
from selection.workflow import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    c = f.campaign(Stage.REVIEW)
    cp = f.posts_of(c)[0]
    app = f.application(cp, f.unqualified_cadre())  # too old for a 新任副科 post
    suggestions_refresh(c)
    app.refresh_from_db()
    assert app.suggestion == "不符合" and "年龄" in app.suggestion_reasons
    return c, app


def test_leader_waives_age_and_the_suggestion_becomes_eligible_with_waiver(world):
    c, app = world
    leader = f.leader()
    services.review_waiver_grant(actor=leader, application=app, rule="age", reason="工作需要，经领导小组研究同意")
    app.refresh_from_db()
    assert app.suggestion == "符合（含放宽）"
    assert "经批准放宽：工作需要，经领导小组研究同意" in app.suggestion_reasons
    w = EligibilityWaiver.objects.get(cadre=app.cadre)
    assert (w.scope, w.post_id, w.rule, w.approved_by) == (c.scope, None, "age", leader)
    assert AuditEvent.objects.filter(action="eligibility.waiver.grant").exists()


def test_staff_cannot_waive_and_nothing_is_written(world, client):
    c, app = world
    staff = f.staff()
    with pytest.raises(ApplicationError) as e:
        services.review_waiver_grant(actor=staff, application=app, rule="age", reason="x")
    assert "领导小组成员" in e.value.message
    client.force_login(staff)
    url = reverse("selection:review-waiver", args=[c.pk, app.pk])
    assert client.post(url, {"rule": "age", "reason": "x"}).status_code == 403
    assert not EligibilityWaiver.objects.exists()


def test_page_form_for_leaders(world, client):
    c, app = world
    leader = f.leader()
    client.force_login(leader)
    page = client.get(reverse("selection:section", args=[c.pk, "review"]))
    assert "个别放宽（领导小组）" in page.content.decode()
    r = client.post(reverse("selection:review-waiver", args=[c.pk, app.pk]), {"rule": "age", "reason": "表现突出"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.suggestion == "符合（含放宽）"
    assert client.post(reverse("selection:review-waiver", args=[c.pk, app.pk]), {"rule": "age", "reason": ""}).status_code == 302
    assert EligibilityWaiver.objects.count() == 1


def test_refused_after_the_list_is_approved(world):
    c, app = world
    c.review_approved_at = timezone.now()
    c.save()
    with pytest.raises(ApplicationError) as e:
        services.review_waiver_grant(actor=f.leader(), application=app, rule="age", reason="x")
    assert "审定之前" in e.value.message
