"""Speech, evaluation and inspection routes: judge sheets and scores, written scores, the evaluation session, the
ranking and the inspection targets; judges' absences, score corrections and a judge's own campaigns."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions, selectors, services
from ..models import CampaignJudge, JudgeScore
from . import moves
from .common import CampaignRoutes, DENIED, ERROR_400, NOT_FOUND, deny, detail_response, input_data, int_keys, require_work_role
from .inputs import AbsenceIn, EvaluationSessionIn, InspectionConfirmIn, ScoreCorrectIn, ScoresIn
from .serializers import (
    CampaignOut,
    CountOut,
    InspectionListOut,
    JudgeCampaignOut,
    JudgeOut,
    JudgeScoreOut,
    JudgeSheetOut,
    RankGroupOut,
    ScoresOverviewOut,
)


# Routes under /campaigns/{id}/ for 演讲, 民主测评 and 组织考察
# (mixed into CampaignViewSet; no docstring: drf-spectacular would show it as every route's description)
class ScoringActions(CampaignRoutes):
    @extend_schema(
        methods=["GET"], summary="本人评分表（评委）",
        description="仅被指定的评委：合格人选按职位和演讲顺序排列，只含本人的评分；评分截止前看不到其他评委的评分。",
        responses={200: JudgeSheetOut, 403: DENIED, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"], summary="提交本人评分（评委）",
        description="仅被指定的评委，“演讲”阶段、评分截止前；0–100分，最多一位小数。可多次提交，以最后一次为准。",
        request=ScoresIn, responses={200: JudgeSheetOut, 400: ERROR_400, 403: DENIED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"], url_path="judge-sheet")
    def judge_sheet(self, request, pk=None):
        campaign = self._campaign(pk)
        if not permissions.is_assigned_judge(request.user, campaign):
            deny("您不是本次竞争上岗的评委。")
        if request.method == "POST":
            data = input_data(ScoresIn, request)
            services.scores_submit(actor=request.user, campaign=campaign,
                                           scores=int_keys(data["scores"], "scores"))
            campaign.refresh_from_db()
        return Response(JudgeSheetOut(selectors.judge_sheet(request.user, campaign)).data)

    @extend_schema(summary="评分汇总（组织部）", description="仅组织部工作人员：每位评委对每位候选人的评分和缺少的评分。",
                   responses={200: ScoresOverviewOut, 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        return Response(ScoresOverviewOut(selectors.scores_overview(campaign)).data)

    @extend_schema(summary="演讲评分结束", description="仅组织部工作人员，即阶段流转 close_speech：全部评委评完（或已登记"
                   "缺席）后计算演讲成绩（评委达到规定人数时去掉一个最高分和一个最低分）。",
                   request=moves.MOVE_IN["close_speech"], responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="speech-close")
    def speech_close(self, request, pk=None):
        campaign = self._campaign(pk)
        return detail_response(request, moves.take(request, campaign, "close_speech"))

    @extend_schema(summary="录入笔试成绩", description="仅组织部工作人员；报名编号 → 成绩（0–100）。",
                   request=ScoresIn, responses={200: CountOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="written-scores")
    def written_scores(self, request, pk=None):
        campaign = self._campaign(pk)
        self._staff()
        data = input_data(ScoresIn, request)
        n = services.written_scores_set(actor=request.user, campaign=campaign,
                                                scores=int_keys(data["scores"], "scores"))
        return Response({"count": n})

    # ------------------------------------------------------------ evaluation, ranking, inspection

    @extend_schema(summary="建立民主测评场次", description="仅组织部工作人员，“民主测评”阶段；测评对象为全部合格人选。",
                   request=EvaluationSessionIn, responses={200: CampaignOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="evaluation-session")
    def evaluation_session(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "evaluation_session")
        data = input_data(EvaluationSessionIn, request)
        services.evaluation_session_create(actor=request.user, campaign=campaign, groups=data["groups"],
                                                   option_set=data["option_set"], vote_date=data.get("vote_date"))
        return detail_response(request, campaign)

    @extend_schema(summary="综合成绩排名", description="按职位：演讲、民主测评、笔试、综合成绩，名次（并列标注），考察对象，"
                   "同时为两个职位考察对象的标注。组织部工作人员、领导小组成员、纪检监督人员可查看。",
                   responses={200: RankGroupOut(many=True), 403: DENIED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        campaign = self._campaign(pk)
        if not permissions.can_see_scores(request.user, campaign):
            deny("您没有查看成绩排名的权限。")
        return Response(RankGroupOut(selectors.ranking_table(campaign), many=True).data)

    @extend_schema(summary="确定考察对象（领导小组成员）", description="按建议名单确定，或提交调整后的名单（须说明理由）。",
                   request=InspectionConfirmIn, responses={200: InspectionListOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"], url_path="inspection-confirm")
    def inspection_confirm(self, request, pk=None):
        campaign = self._campaign(pk)
        require_work_role(request.user, "inspection_confirm")
        data = input_data(InspectionConfirmIn, request)
        result = services.inspection_confirm(actor=request.user, campaign=campaign,
                                                     application_ids=data.get("application_ids"), note=data["note"])
        return Response(InspectionListOut(result).data)


@extend_schema(tags=["竞争上岗"])
class JudgeViewSet(viewsets.GenericViewSet):
    queryset = CampaignJudge.objects.none()
    serializer_class = JudgeOut
    permission_classes = [permissions.IsStaff]

    @extend_schema(summary="登记评委缺席", description="仅组织部工作人员，“演讲”阶段；缺席须填写说明。",
                   request=AbsenceIn, responses={200: JudgeOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def absence(self, request, pk=None):
        judge = get_object_or_404(CampaignJudge, pk=pk)
        data = input_data(AbsenceIn, request)
        judge = services.judge_absence_set(actor=request.user, judge=judge, absent=data["absent"],
                                                   reason=data["reason"])
        return Response(JudgeOut(judge).data)


@extend_schema(tags=["竞争上岗"])
class JudgeScoreViewSet(viewsets.GenericViewSet):
    queryset = JudgeScore.objects.none()
    serializer_class = JudgeScoreOut
    permission_classes = [permissions.IsStaff]

    @extend_schema(summary="更正评分", description="仅组织部工作人员，评分截止后；须填写理由，留有记录。",
                   request=ScoreCorrectIn, responses={200: JudgeScoreOut, 400: ERROR_400, 403: DENIED})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        score = get_object_or_404(JudgeScore.objects.select_related("judge", "application"), pk=pk)
        data = input_data(ScoreCorrectIn, request)
        score = services.score_correct(actor=request.user, score=score, value=data["value"],
                                               reason=data["reason"])
        return Response(JudgeScoreOut(score).data)


@extend_schema(tags=["竞争上岗：评委"])
class JudgeCampaignsView(APIView):
    permission_classes = [permissions.IsJudge]

    @extend_schema(summary="我评分的竞争上岗", description="本人被指定为评委的工作，含候选人数和本人已评分人数。",
                   responses={200: JudgeCampaignOut(many=True), 403: DENIED})
    def get(self, request):
        return Response(JudgeCampaignOut(selectors.judge_campaigns(request.user), many=True).data)
