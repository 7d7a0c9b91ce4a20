"""The staged campaign factory: a campaign at any stage, as the workflow would have left it (every gate of the
stages already passed holds), and the services carry it on from there."""
from __future__ import annotations

import pytest

from assessment.models import SessionStatus
from cadre.models import PostHistory
from selection import gates
from selection.models import Application, StageEvent
from selection.tests import factories as F
from selection.workflow import ORDER, TRANSITIONS, Stage, stage_number

pytestmark = pytest.mark.django_db

# gates that read today's date against fixed plan dates (the 报名 window): not a property of the built rows
CALENDAR_GATES = {"publish_posts", "close_registration"}


def passed_actions(stage: str) -> list[str]:
    return [t.action for t in TRANSITIONS if t.is_forward and stage_number(t.target) <= stage_number(stage)]


@pytest.mark.parametrize("stage", F.STAGES)
def test_every_gate_already_passed_holds(stage):
    c = F.CampaignFactory(stage=stage)
    assert c.stage == stage
    for action in passed_actions(stage):
        if action not in CALENDAR_GATES:
            assert gates.errors(c, action) == [], (stage, action)
    moves = list(StageEvent.objects.filter(campaign=c).order_by("id").values_list("to_stage", flat=True))
    assert moves == [s for s in ORDER[1:] + [Stage.COMPLETED] if stage_number(s) <= stage_number(stage)]


def test_traits_name_the_stage():
    assert F.CampaignFactory(at_review=True).stage == Stage.REVIEW
    assert F.CampaignFactory(cancelled=True).stage == Stage.CANCELLED


def test_the_world_of_a_speech_campaign():
    c = F.CampaignFactory(stage=Stage.SPEECH, per_post=(3, 2), judges=5, names=["甲某", "乙某"])
    w = c.world
    assert [len(p) for p in w.apps] == [3, 2] and len(w.judges) == 5
    assert [a.cadre.name for a in w.apps[0][:2]] == ["甲某", "乙某"]
    assert all(a.review_decision == "通过" and a.status == "submitted" for a in w.all_apps)
    assert all(PostHistory.objects.filter(cadre=a.cadre, end__isnull=True).exists() for a in w.all_apps)
    assert c.review_approved_by == w.leader and c.review_published_at is not None
    # the services carry it on
    w.draw()
    w.score({a: [80 + i] * 5 for i, a in enumerate(w.all_apps)})
    w.close_speech()
    assert c.stage == Stage.EVALUATION


def test_the_winner_of_each_post_is_appointed():
    c = F.CampaignFactory(stage=Stage.COMPLETED, people=[("甲任", "新任", "一级科员"), ("乙任", "转任", "副科级")])
    w = c.world
    assert [a.cadre.name for a in w.winners] == ["甲任", "乙任"]
    for a in w.winners:
        assert a.rank == 1 and a.meeting_result == "通过" and a.appointed_on == c.appointment_date
        assert PostHistory.objects.get(cadre=a.cadre, end__isnull=True).post == a.campaign_post.post
    assert c.ballot_session.status == SessionStatus.CLOSED
    assert Application.objects.filter(campaign=c, appointed_on__isnull=False).count() == 2


def test_one_candidate_per_post_when_the_plan_allows_it():
    c = F.CampaignFactory(stage=Stage.DECISION, per_post=1, min_candidates_per_vacancy=1)
    assert [len(p) for p in c.world.apps] == [1, 1]
    assert all(a.inspection_conclusion == "建议任用" for a in c.world.all_apps)


def test_bare_campaign_has_no_applications():
    c = F.campaign(Stage.REVIEW, posts=3, judges=2)
    assert c.posts.count() == 3 and c.judges.count() == 2 and not c.applications.exists()
