"""seed_demo's campaigns tell one consistent story: the 第一批 finished through all 11 stages by the real services,
each document at its stage (read back with pdftotext: dates of the stage, one colon after 主送机关, 现任职务 ≠
拟任职务, the appointment kind as the levels say, nobody competing for their own post, no chain of moves left
half done); the 第二批 in 演讲, the 第三批 in 报名 and next year's plan waiting for the leader."""
import datetime as dt
import io
import re
import subprocess

import pytest
import time_machine
from django.core.management import call_command

from cadre.models import PostHistory
from documents.models import DocumentKind, GeneratedDocument
from django.contrib.auth.models import User

from selection import rules, selectors
from selection.demo import FINISHED_TITLE, OPEN_TITLE, PLAN_TITLE, SPEECH_TITLE
from selection.models import Application, AppStatus, Campaign, CampaignPost, JudgeScore, StageEvent
from selection.notices import post_title
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


def test_every_role_has_work_waiting(seeded):
    leader = User.objects.get(username="leader")
    inbox = selectors.leader_inbox(leader)
    assert [x.title for x in inbox if x.waiting_for == "plan"] == [PLAN_TITLE]
    speech = Campaign.objects.get(title=SPEECH_TITLE)
    assert speech.stage == Stage.SPEECH
    apps = Application.objects.filter(campaign=speech, status=AppStatus.SUBMITTED)
    assert apps.count() >= 4 and all(a.speaking_order for a in apps)
    assert not JudgeScore.objects.filter(application__campaign=speech, judge__user__username="judge").exists()
    assert JudgeScore.objects.filter(application__campaign=speech, judge__user__username="judge2").count() == apps.count()


# ------------------------------------------------------------------ the documents, read back


def _text(doc) -> str:
    raw = subprocess.run(["pdftotext", doc.file.path, "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", raw)  # line breaks fall anywhere in Chinese text


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _docs(c):
    return {d.kind: d for d in GeneratedDocument.objects.filter(subject_key=c.scope, superseded_by__isnull=True)}


def test_documents_carry_their_stage_dates_and_one_colon(seeded):
    c = Campaign.objects.get(title=FINISHED_TITLE)
    docs = _docs(c)
    stage_dates = {
        DocumentKind.POST_ANNOUNCEMENT: dt.date(2026, 7, 1),  # published
        DocumentKind.QUALIFICATION_NOTICE: dt.date(2026, 7, 14),  # the list approved by 党委
        DocumentKind.PRE_APPOINTMENT_NOTICE: c.publicity_start,
        DocumentKind.APPOINTMENT_NOTICE: c.appointment_date,
    }
    for kind, day in stage_dates.items():
        text = _text(docs[kind])
        assert docs[kind].document_date == day, kind
        assert _cn(day) in text, kind
        assert docs[kind].issued_at is not None, kind  # published at its stage: a record from then on
    for doc in GeneratedDocument.objects.filter(subject_key__startswith="campaign:"):
        text = _text(doc)
        assert "：：" not in text and "::" not in text, doc.title
    assert "各部门、各单位：" in _text(docs[DocumentKind.APPOINTMENT_NOTICE])


def test_pre_appointment_notice_shows_the_post_held_at_registration(seeded):
    c = Campaign.objects.get(title=FINISHED_TITLE)
    text = _text(_docs(c)[DocumentKind.PRE_APPOINTMENT_NOTICE])
    for app in Application.objects.filter(campaign=c, superior_approved=True).select_related("campaign_post__post__unit"):
        held, proposed = app.snapshot["current_job"], post_title(app.campaign_post)
        assert held and held != proposed
        assert f"{app.snapshot['name']}" in text and held in text and proposed in text


def test_appointment_kind_follows_the_levels(seeded):
    c = Campaign.objects.get(title=FINISHED_TITLE)
    text = _text(_docs(c)[DocumentKind.APPOINTMENT_NOTICE])
    appointed = list(Application.objects.filter(campaign=c, appointed_on__isnull=False).select_related("campaign_post__post__unit"))
    kinds = set()
    for app in appointed:
        snap = app.snapshot
        kind = rules.appointment_kind(snap["post_level"], snap["rank_level"], app.campaign_post.post.level)
        assert app.appointment_kind == kind and kind != "降职"
        kinds.add(kind)
        clause = re.search(rf"聘任{app.snapshot['name']}同志为(.*?)；", text).group(1)
        assert post_title(app.campaign_post) in clause
        assert ("试用期" in clause) == (kind == "新提任"), clause
        assert f"（{kind}" in clause, clause  # the kind is printed
        assert (app.probation_end is not None) == (kind == "新提任")
    assert kinds == {"新提任", "平职交流"}


def test_nobody_competes_for_their_own_post_and_no_move_is_left_half_done(seeded):
    for app in Application.objects.exclude(status=AppStatus.DRAFT).select_related("cadre", "campaign_post__post__unit"):
        post = app.campaign_post.post
        snap = app.snapshot or {"current_job": app.cadre.current_job, "unit": app.cadre.unit.short_name or app.cadre.unit.name}
        assert snap["current_job"] != post_title(app.campaign_post), app
        assert snap["unit"] not in (post.unit.name, post.unit.short_name), app  # not a post of their own unit
        if snap.get("post_level"):
            assert rules.RANK_GRADE[snap["post_level"]] <= rules.RANK_GRADE[post.level], app  # no 降职 by competition
    # a winner who left a leadership post: that post is offered again in the story (or simply left vacant)
    c = Campaign.objects.get(title=FINISHED_TITLE)
    offered = set(CampaignPost.objects.exclude(campaign=c).values_list("post_id", flat=True))
    for app in Application.objects.filter(campaign=c, appointed_on__isnull=False):
        left = PostHistory.objects.filter(cadre=app.cadre, end=app.appointed_on - dt.timedelta(days=1),
                                          post__kind="领导职务").first()
        if left is not None:
            holders = PostHistory.objects.filter(post=left.post, end__isnull=True).count()
            assert left.post_id in offered or holders < left.post.headcount
    assert Campaign.objects.get(title=SPEECH_TITLE).posts.filter(
        post_id__in=PostHistory.objects.filter(cadre__applications__campaign=c, cadre__applications__appointed_on__isnull=False,
                                               end__isnull=False, post__kind="领导职务").values("post_id")).exists()


def test_second_run_adds_nothing(seeded):
    before = (Campaign.objects.count(), Application.objects.count(), StageEvent.objects.count())
    call_command("seed_demo", "--size", "400", stdout=io.StringIO())
    assert (Campaign.objects.count(), Application.objects.count(), StageEvent.objects.count()) == before
