"""演讲 → 组织考察 through the services: the lot, judges' scores (own only, absences, after close only staff
with a reason), the trimmed mean and the composite ranking with hand-computed numbers, the 民主测评 session,
the proposed and confirmed 考察对象 and the inspection findings."""
from decimal import Decimal

import pytest

from assessment.services import session_void
from core.exceptions import ApplicationError
from core.models import AuditEvent
from selection import rules
from selection import services as scoring
from selection.models import Application, Campaign, JudgeScore, StageEvent
from selection.tests import factories as F
from selection.tests.factories import marks, qualified_application, refresh
from selection.workflow import Stage

pytestmark = pytest.mark.django_db

D = Decimal


def seed_of(cp):
    cp.refresh_from_db()
    return cp.order_seed


def by_pk(apps):
    return {a.pk: Application.objects.get(pk=a.pk) for a in apps}


class TestSpeakingOrder:
    def test_lot_is_stored_and_reproducible_from_the_seed(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(3,), judges=3).world
        cp = w.posts[0]
        ordered = scoring.speaking_order_draw(actor=w.staff, campaign_post=cp)
        cp.refresh_from_db()
        assert len(cp.order_seed) == 32 and cp.order_drawn_at is not None
        assert [a.speaking_order for a in ordered] == [1, 2, 3]
        stored = list(Application.objects.filter(campaign_post=cp).order_by("speaking_order").values_list("pk", flat=True))
        assert stored == [a.pk for a in ordered]
        assert rules.draw_order([a.pk for a in w.apps[0]], cp.order_seed) == stored
        assert AuditEvent.objects.filter(action="selection.speaking_order.draw", data__seed=cp.order_seed).exists()

    def test_redraw_allowed_until_the_first_score_then_refused(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        cp = w.posts[0]
        scoring.speaking_order_draw(actor=w.staff, campaign_post=cp)
        first_seed = seed_of(cp)
        scoring.speaking_order_draw(actor=w.staff, campaign_post=cp)
        assert seed_of(cp) != first_seed
        scoring.scores_submit(actor=w.judges[0].user, campaign=w.campaign, scores={w.apps[0][0].pk: "80"})
        seed = seed_of(cp)
        with pytest.raises(ApplicationError, match="已有评委评分，不能重新抽签"):
            scoring.speaking_order_draw(actor=w.staff, campaign_post=cp)
        assert seed_of(cp) == seed

    def test_only_staff_draw(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        with pytest.raises(ApplicationError, match="组织部工作人员"):
            scoring.speaking_order_draw(actor=w.judges[0].user, campaign_post=w.posts[0])

    def test_no_scores_before_the_draw(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        app = w.apps[0][0]
        with pytest.raises(ApplicationError, match=f"{app.cadre.name}.*演讲顺序尚未抽签确定"):
            scoring.scores_submit(actor=w.judges[0].user, campaign=w.campaign, scores={app.pk: "80"})


class TestCompositeRanking:
    def test_trimmed_mean_composite_rank_and_proposed_targets_by_hand(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(3, 2), judges=5, names=["甲某", "乙某", "丙某", "丁某", "戊某"]).world
        (jia, yi, bing), (ding, wu) = w.apps
        w.draw()
        w.score({
            jia: ["90", "85.5", "88", "70", "95"],     # drop 95 and 70: 263.5 / 3 = 87.8333 → 87.83
            yi: ["90", "90", "90", "50", "100"],       # 90.00
            bing: ["84", "84", "84", "0", "100"],      # 84.00
            ding: ["70"] * 5,                          # 70.00
            wu: ["75"] * 5,                            # 75.00
        })
        w.close_speech()
        assert w.campaign.stage == Stage.EVALUATION and w.campaign.speech_closed_at is not None
        got = by_pk(w.all_apps)
        assert [got[a.pk].speech_score for a in (jia, yi, bing, ding, wu)] == [D("87.83"), D("90.00"), D("84.00"), D("70.00"), D("75.00")]

        w.ballots({
            jia.cadre_id: marks(优秀=6, 称职=4),       # (6×100 + 4×80) / 10 = 92
            yi.cadre_id: marks(称职=10),               # 80
            bing.cadre_id: marks(优秀=2, 称职=8),      # 84
            ding.cadre_id: marks(基本称职=4, 称职=6),  # (4×60 + 6×80) / 10 = 72
            wu.cadre_id: marks(基本称职=10),           # 60
        })
        scoring.evaluation_close(actor=w.staff, campaign=w.campaign)
        w.campaign.refresh_from_db()
        assert w.campaign.stage == Stage.INSPECTION
        got = by_pk(w.all_apps)
        # composite = 40% speech + 60% evaluation
        assert got[jia.pk].evaluation_score == D("92.00") and got[jia.pk].composite_score == D("90.33")  # 35.132 + 55.2
        assert got[yi.pk].composite_score == D("84.00")  # 36 + 48
        assert got[bing.pk].composite_score == D("84.00")  # 33.6 + 50.4
        assert got[ding.pk].composite_score == D("71.20") and got[wu.pk].composite_score == D("66.00")
        # 乙 and 丙 tie on the composite; 丙 has the higher 民主测评 score
        assert [(got[a.pk].rank, got[a.pk].tied) for a in (jia, bing, yi)] == [(1, False), (2, False), (3, False)]
        assert [got[a.pk].rank for a in (ding, wu)] == [1, 2]
        # 1 vacancy at 1:2 → two 考察对象 per post
        assert {a.pk for a in got.values() if a.is_inspection_target} == {jia.pk, bing.pk, ding.pk, wu.pk}
        proposal = AuditEvent.objects.get(action="selection.inspection.propose")
        assert "甲某、丙某" in proposal.summary

    def test_equal_composite_and_evaluation_broken_by_speech_then_shown_tied(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(3,), judges=5, speech_weight=D(10), evaluation_weight=D(90)).world
        p, q, r = w.apps[0]
        w.draw()
        w.score({p: ["87.8"] * 5, q: ["88", "87.8", "87.7", "50", "100"], r: ["87.8"] * 5})  # 87.80, 87.83, 87.80
        w.close_speech()
        w.ballots({a.cadre_id: marks(称职=10) for a in (p, q, r)})
        scoring.evaluation_close(actor=w.staff, campaign=w.campaign)
        got = by_pk([p, q, r])
        # 10% × 87.83 + 90% × 80 = 80.783 → 80.78, the same as 8.78 + 72
        assert {a.composite_score for a in got.values()} == {D("80.78")}
        assert (got[q.pk].rank, got[q.pk].tied) == (1, False)
        assert (got[p.pk].rank, got[p.pk].tied) == (2, True)
        assert (got[r.pk].rank, got[r.pk].tied) == (2, True)
        # the tie at the cut-off puts all three in the proposal, flagged for the leader
        assert all(a.is_inspection_target for a in got.values())
        assert "并列" in AuditEvent.objects.get(action="selection.inspection.propose").summary

    def test_written_part_weighted_when_the_plan_has_one(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3, speech_weight=D(30), evaluation_weight=D(50), written_weight=D(20)).world
        a, b = w.apps[0]
        w.draw()
        w.score({a: ["80", "80", "80"], b: ["70", "71", "72"]})  # 3 judges: no trimming → 80.00, 71.00
        scoring.written_scores_set(actor=w.staff, campaign=w.campaign, scores={a.pk: "75.5"})
        w.close_speech()
        w.ballots({a.cadre_id: marks(称职=10), b.cadre_id: marks(优秀=10)})
        with pytest.raises(ApplicationError, match=f"{b.cadre.name}.*尚未录入笔试成绩"):
            scoring.evaluation_close(actor=w.staff, campaign=w.campaign)
        with pytest.raises(ApplicationError, match="超出 0–100"):
            scoring.written_scores_set(actor=w.staff, campaign=w.campaign, scores={b.pk: "101"})
        scoring.written_scores_set(actor=w.staff, campaign=w.campaign, scores={b.pk: "60"})
        scoring.evaluation_close(actor=w.staff, campaign=w.campaign)
        got = by_pk([a, b])
        assert got[a.pk].composite_score == D("79.10")  # 24 + 40 + 15.1
        assert got[b.pk].composite_score == D("83.30")  # 21.3 + 50 + 12
        assert (got[b.pk].rank, got[a.pk].rank) == (1, 2)

    def test_written_scores_refused_without_a_written_weight(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        with pytest.raises(ApplicationError, match="未设置笔试成绩权重"):
            scoring.written_scores_set(actor=w.staff, campaign=w.campaign, scores={w.apps[0][0].pk: "80"})

    def test_recommendation_set_uses_the_approval_rate(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        a, b = w.apps[0]
        w.draw()
        w.score({a: ["80"] * 3, b: ["90"] * 3})
        w.close_speech()
        w.ballots({a.cadre_id: marks(同意=7, 不同意=3), b.cadre_id: marks(同意=6, 不同意=2, 弃权=2)}, option_set="推荐")
        scoring.evaluation_close(actor=w.staff, campaign=w.campaign)
        got = by_pk([a, b])
        assert got[a.pk].evaluation_score == D("70.00")  # 7 / 10
        assert got[b.pk].evaluation_score == D("75.00")  # 6 / (6 + 2): 弃权 not counted
        assert got[b.pk].composite_score == D("81.00")  # 36 + 45

    def test_low_participation_refused_and_nothing_written(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        a, b = w.apps[0]
        w.draw()
        w.score({a: ["80"] * 3, b: ["90"] * 3})
        w.close_speech()
        w.ballots({a.cadre_id: marks(称职=7), b.cadre_id: marks(称职=7)}, issued=10)  # 70% < 80%
        with pytest.raises(ApplicationError, match="参评率 70.00% 低于 80.00%"):
            scoring.evaluation_close(actor=w.staff, campaign=w.campaign)
        w.campaign.refresh_from_db()
        assert w.campaign.stage == Stage.EVALUATION
        assert not Application.objects.filter(campaign=w.campaign, evaluation_score__isnull=False).exists()


class TestJudges:
    def test_judge_stores_and_changes_only_own_scores(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        a, b = w.apps[0]
        w.draw()
        j1, j2 = w.judges[0], w.judges[1]
        assert scoring.scores_submit(actor=j1.user, campaign=w.campaign, scores={a.pk: "80", b.pk: "85.5"}) == 2
        assert scoring.scores_submit(actor=j2.user, campaign=w.campaign, scores={a.pk: "70"}) == 1
        # j1 changes one score: only j1's row changes, j2's stays
        assert scoring.scores_submit(actor=j1.user, campaign=w.campaign, scores={a.pk: "82", b.pk: "85.5"}) == 1
        assert dict(JudgeScore.objects.filter(judge=j1).values_list("application_id", "score")) == {a.pk: D("82.0"), b.pk: D("85.5")}
        assert dict(JudgeScore.objects.filter(judge=j2).values_list("application_id", "score")) == {a.pk: D("70.0")}

    def test_non_judges_cannot_score(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        w.draw()
        other_judge = F.judge()  # a 评委 of no assignment here
        for actor in (w.staff, w.leader, other_judge):
            with pytest.raises(ApplicationError, match="不是本次竞争上岗的评委"):
                scoring.scores_submit(actor=actor, campaign=w.campaign, scores={w.apps[0][0].pk: "80"})
        assert not JudgeScore.objects.exists()

    def test_invalid_scores_name_the_candidate_and_store_nothing(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3, names=["钱多多", "孙少少"]).world
        a, b = w.apps[0]
        w.draw()
        with pytest.raises(ApplicationError) as err:
            scoring.scores_submit(actor=w.judges[0].user, campaign=w.campaign, scores={a.pk: "100.5", b.pk: "85.55"})
        assert "钱多多" in err.value.message and "超出 0–100" in err.value.message
        assert "孙少少" in err.value.message and "最多保留一位小数" in err.value.message
        assert len(err.value.errors) == 2
        assert not JudgeScore.objects.exists()

    def test_absent_judge_cannot_score_and_is_left_out_of_the_mean(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=5).world
        a, b = w.apps[0]
        w.draw()
        absent = w.judges[4]
        scoring.scores_submit(actor=absent.user, campaign=w.campaign, scores={a.pk: "10"})
        with pytest.raises(ApplicationError, match="须填写说明"):
            scoring.judge_absence_set(actor=w.staff, judge=absent, absent=True)
        with pytest.raises(ApplicationError, match="组织部工作人员"):
            scoring.judge_absence_set(actor=w.judges[0].user, judge=absent, absent=True, reason="因病")
        scoring.judge_absence_set(actor=w.staff, judge=absent, absent=True, reason="因病未到场")
        with pytest.raises(ApplicationError, match="已登记缺席，不能评分"):
            scoring.scores_submit(actor=absent.user, campaign=w.campaign, scores={b.pk: "80"})
        w.score({a: ["80", "82", "84", "90"], b: ["70", "70", "70", "70"]})
        w.close_speech()
        a.refresh_from_db()
        # four present judges < 5: plain mean, the absent judge's 10 not counted
        assert a.speech_score == D("84.00")
        assert AuditEvent.objects.filter(action="selection.judge.absence", summary__contains="因病未到场").exists()

    def test_close_refused_while_a_score_is_missing_and_nothing_written(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        a, b = w.apps[0]
        w.draw()
        w.score({a: ["80", "80", "80"], b: ["80", "80", None]})
        with pytest.raises(ApplicationError, match=f"评委{w.judges[2].name}尚未给{b.cadre.name}评分"):
            w.close_speech()
        w.campaign.refresh_from_db()
        assert w.campaign.stage == Stage.SPEECH and w.campaign.speech_closed_at is None
        assert not Application.objects.filter(speech_score__isnull=False).exists()
        assert not StageEvent.objects.filter(action="close_speech").exists()


class TestAfterClose:
    def _closed(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(3,), judges=5, names=["甲某", "乙某", "丙某"]).world
        jia, yi, bing = w.apps[0]
        w.draw()
        w.score({
            jia: ["90", "85.5", "88", "70", "95"],
            yi: ["90", "90", "90", "50", "100"],
            bing: ["84", "84", "84", "0", "100"],
        })
        w.close_speech()
        return w, jia, yi, bing

    def test_judges_cannot_change_after_close_staff_can_with_a_reason(self):
        w, jia, yi, bing = self._closed()
        judge = w.judges[1]
        with pytest.raises(ApplicationError, match="只能在“演讲”阶段进行"):
            scoring.scores_submit(actor=judge.user, campaign=w.campaign, scores={jia.pk: "95.5"})
        row = JudgeScore.objects.get(judge=judge, application=jia)
        with pytest.raises(ApplicationError, match="组织部工作人员"):
            scoring.score_correct(actor=judge.user, score=row, value="95.5", reason="录入错误")
        with pytest.raises(ApplicationError, match="须填写理由"):
            scoring.score_correct(actor=w.staff, score=row, value="95.5", reason=" ")
        with pytest.raises(ApplicationError, match="最多保留一位小数"):
            scoring.score_correct(actor=w.staff, score=row, value="95.55", reason="录入错误")
        assert JudgeScore.objects.get(pk=row.pk).score == D("85.5")

        scoring.score_correct(actor=w.staff, score=row, value="95.5", reason="评分表誊录错误，以原始评分表为准")
        row.refresh_from_db()
        assert row.score == D("95.5") and row.correction_reason == "评分表誊录错误，以原始评分表为准"
        latest = row.history.order_by("-history_date").first()
        assert latest.history_user == w.staff and latest.score == D("95.5")
        event = AuditEvent.objects.get(action="selection.score.correct")
        assert event.actor == w.staff and "85.5 → 95.5" in event.summary and "誊录错误" in event.summary
        jia.refresh_from_db()
        # [90, 95.5, 88, 70, 95]: drop 95.5 and 70 → (90 + 88 + 95) / 3 = 91.00
        assert jia.speech_score == D("91.00")

    def test_correction_after_the_ranking_reranks_the_post(self):
        w, jia, yi, bing = self._closed()
        w.ballots({jia.cadre_id: marks(优秀=6, 称职=4), yi.cadre_id: marks(称职=10), bing.cadre_id: marks(优秀=2, 称职=8)})
        scoring.evaluation_close(actor=w.staff, campaign=w.campaign)
        refresh(yi, bing)
        assert (yi.rank, bing.rank, yi.is_inspection_target, bing.is_inspection_target) == (3, 2, False, True)
        row = JudgeScore.objects.get(judge=w.judges[3], application=yi)  # the 50
        scoring.score_correct(actor=w.staff, score=row, value="95", reason="复核评分表")
        refresh(yi, bing)
        # [90, 90, 90, 95, 100] → (90 + 90 + 95) / 3 = 91.67; composite 36.668 + 48 = 84.67 > 84.00
        assert yi.speech_score == D("91.67") and yi.composite_score == D("84.67")
        assert (yi.rank, bing.rank) == (2, 3)
        # the leader has not confirmed yet: the proposal follows the new ranking
        assert (yi.is_inspection_target, bing.is_inspection_target) == (True, False)
        assert AuditEvent.objects.get(action="selection.score.correct").data["ranking_changes"] == {
            str(yi.pk): [3, 2], str(bing.pk): [2, 3]
        }


class TestEvaluationSession:
    def test_one_target_per_person_and_a_second_session_only_after_void(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2, 2), judges=3, max_posts_per_candidate=2).world
        both = w.apps[0][0]
        qualified_application(w.posts[1], cadre=both.cadre)
        Campaign.objects.filter(pk=w.campaign.pk).update(stage=Stage.EVALUATION)
        w.campaign.refresh_from_db()
        with pytest.raises(ApplicationError, match="组织部工作人员"):
            scoring.evaluation_session_create(actor=w.leader, campaign=w.campaign, groups=[{"name": "全体", "weight": 100}])
        session = scoring.evaluation_session_create(actor=w.staff, campaign=w.campaign, groups=[{"name": "全体", "weight": 100}])
        targets = list(session.targets.order_by("order"))
        assert len(targets) == 4  # five applications, four people
        mine = next(t for t in targets if t.cadre_id == both.cadre_id)
        assert mine.description == f"报名职位：{w.posts[0].post}、{w.posts[1].post}"
        w.campaign.refresh_from_db()
        assert w.campaign.ballot_session == session
        with pytest.raises(ApplicationError, match="请先将其作废"):
            scoring.evaluation_session_create(actor=w.staff, campaign=w.campaign, groups=[{"name": "全体", "weight": 100}])
        session_void(actor=w.staff, session=session, reason="测评组织不规范")
        second = scoring.evaluation_session_create(actor=w.staff, campaign=w.campaign, groups=[{"name": "全体", "weight": 100}])
        w.campaign.refresh_from_db()
        assert w.campaign.ballot_session == second != session

    def test_session_only_in_the_evaluation_stage(self):
        w = F.CampaignFactory(stage=Stage.SPEECH, per_post=(2,), judges=3).world
        with pytest.raises(ApplicationError, match="只能在“民主测评”阶段进行"):
            scoring.evaluation_session_create(actor=w.staff, campaign=w.campaign, groups=[{"name": "全体", "weight": 100}])


class TestInspection:
    def _world(self):
        c = F.campaign(Stage.INSPECTION, posts=2, max_posts_per_candidate=2)
        p1, p2 = F.posts_of(c)
        both = F.qualified_cadre(name="周双岗")
        a1 = qualified_application(p1, cadre=both, rank=1, is_inspection_target=True)
        a2 = qualified_application(p1, name="吴第二", rank=2, is_inspection_target=True)
        a3 = qualified_application(p1, name="郑第三", rank=3)
        b1 = qualified_application(p2, cadre=both, rank=1, is_inspection_target=True)
        b2 = qualified_application(p2, name="王第二", rank=2, is_inspection_target=True)
        return c, F.staff(), F.leader(), (a1, a2, a3, b1, b2)

    def test_leader_confirms_the_proposal_and_double_posts_are_flagged(self):
        c, staff, leader, (a1, a2, a3, b1, b2) = self._world()
        with pytest.raises(ApplicationError, match="领导小组成员"):
            scoring.inspection_confirm(actor=staff, campaign=c)
        result = scoring.inspection_confirm(actor=leader, campaign=c)
        assert [a.pk for a in result.targets] == [a1.pk, a2.pk, b1.pk, b2.pk]
        assert len(result.flags) == 1 and result.flags[0].startswith("周双岗同时为")
        assert result.campaign.inspection_confirmed_by == leader and result.campaign.inspection_confirmed_at
        event = AuditEvent.objects.get(action="selection.inspection.confirm")
        assert "周双岗同时为" in event.summary and event.data["flags"] == result.flags

    def test_a_changed_list_needs_a_note(self):
        c, staff, leader, (a1, a2, a3, b1, b2) = self._world()
        with pytest.raises(ApplicationError, match="须说明理由"):
            scoring.inspection_confirm(actor=leader, campaign=c, application_ids=[a1.pk, a3.pk, b2.pk])
        result = scoring.inspection_confirm(
            actor=leader, campaign=c, application_ids=[a3.pk, a2.pk, b2.pk], note="周双岗本人申请只参加一个职位竞争"
        )
        assert result.added == [a3.pk] and result.removed == sorted([a1.pk, b1.pk]) and result.flags == []
        assert set(Application.objects.filter(campaign=c, is_inspection_target=True).values_list("pk", flat=True)) == {
            a2.pk, a3.pk, b2.pk
        }

    def test_findings_then_finish(self):
        c, staff, leader, (a1, a2, a3, b1, b2) = self._world()
        scoring.inspection_confirm(actor=leader, campaign=c)
        with pytest.raises(ApplicationError, match="不是考察对象"):
            scoring.inspection_record(actor=staff, application=a3, talks_count=10, opinion="好", conclusion="建议任用")
        with pytest.raises(ApplicationError, match="考察结论“优秀”无效"):
            scoring.inspection_record(actor=staff, application=a1, talks_count=10, opinion="好", conclusion="优秀")
        with pytest.raises(ApplicationError, match="请填写考察意见"):
            scoring.inspection_record(actor=staff, application=a1, talks_count=10, opinion=" ", conclusion="建议任用")
        for app in (a1, a2, b1):
            scoring.inspection_record(actor=staff, application=app, talks_count=25, opinion="德才兼备。", conclusion="建议任用")
        with pytest.raises(ApplicationError, match="王第二尚未填写谈话人数、考察意见、考察结论"):
            scoring.inspection_finish(actor=staff, campaign=c)
        scoring.inspection_record(actor=staff, application=b2, talks_count=18, opinion="尚需锻炼。", conclusion="暂缓任用")
        scoring.inspection_finish(actor=staff, campaign=c)
        c.refresh_from_db()
        assert c.stage == Stage.DECISION
        a1.refresh_from_db()
        assert (a1.talks_count, a1.inspection_conclusion) == (25, "建议任用")
