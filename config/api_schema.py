"""OpenAPI names for the choice sets of every app (pure data, safe to import from settings).

Several serializers share field names with different choice sets (`level` is a 职务层次 on posts and a 学历 on
education rows; `kind` is a unit, post or 奖惩 category), which drf-spectacular can only name with a hash
and a warning. These fixed names go into SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
"""

ENUM_NAME_OVERRIDES = {
    "RankLevelEnum": "cadre.choices.RankLevel",
    "EducationLevelEnum": "cadre.choices.Education",
    "EducationModeEnum": "cadre.choices.EducationMode",
    "UnitKindEnum": "cadre.choices.UnitKind",
    "PostKindEnum": "cadre.choices.PostKind",
    "SanctionKindEnum": "cadre.choices.SanctionKind",
    "AppointmentMethodEnum": "cadre.choices.AppointmentMethod",
    "AssessmentGradeEnum": "cadre.choices.AssessmentGrade",
    "CadreStatusEnum": "cadre.choices.CadreStatus",
    "MoveKindEnum": "rotation.models.MoveKind",
    "PlanStatusEnum": "rotation.models.PlanStatus",
    "SuggestionStatusEnum": "rotation.models.SuggestionStatus",
    "SelectionStageEnum": "selection.workflow.Stage",
    "SelectionActionEnum": "selection.workflow.ACTIONS",
    "ApplicationSourceEnum": "selection.models.Source",
    "ApplicationStatusEnum": "selection.models.AppStatus",
    "CampaignPostStatusEnum": "selection.models.PostStatus",
    "ObjectionStatusEnum": "selection.models.ObjectionStatus",
    "ReviewDecisionEnum": "selection.models.ReviewDecision",
    "InspectionConclusionEnum": "selection.models.InspectionConclusion",
    "MeetingResultEnum": "selection.models.MeetingResult",
    "DeferActionEnum": "selection.models.DeferAction",
    "EligibilityResultEnum": "selection.models.Suggestion",
}
