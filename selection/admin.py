"""Django admin of the selection app. Records change through the services; the admin is for inspection and
repairs by the system administrator, with simple-history's change log on every model that keeps history."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Application,
    Campaign,
    CampaignJudge,
    CampaignMember,
    CampaignPost,
    JudgeScore,
    Meeting,
    MeetingMember,
    MeetingVote,
    Objection,
    StageEvent,
)


class MemberInline(admin.TabularInline):
    model = CampaignMember
    extra = 0
    raw_id_fields = ["user"]


class PostInline(admin.TabularInline):
    model = CampaignPost
    extra = 0
    raw_id_fields = ["post"]
    fields = ["post", "vacancies", "status", "cancel_reason", "order"]


class JudgeInline(admin.TabularInline):
    model = CampaignJudge
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "name", "absent", "absence_reason", "order"]


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan_year", "stage", "as_of", "registration_start", "registration_end", "created_at"]
    list_filter = ["stage", "plan_year"]
    search_fields = ["title"]
    inlines = [MemberInline, PostInline, JudgeInline]
    raw_id_fields = ["rotation_plan", "ballot_session", "created_by", "plan_approved_by", "review_approved_by",
                     "inspection_confirmed_by"]
    readonly_fields = ["stage", "stage_since", "created_at"]


@admin.register(CampaignPost)
class CampaignPostAdmin(admin.ModelAdmin):
    list_display = ["post", "campaign", "vacancies", "status", "order_drawn_at"]
    list_filter = ["status"]
    list_select_related = ["post", "post__unit", "campaign"]
    raw_id_fields = ["campaign", "post"]


@admin.register(CampaignJudge)
class CampaignJudgeAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "user", "absent"]
    list_select_related = ["campaign", "user"]
    raw_id_fields = ["campaign", "user"]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "campaign_post", "source", "status", "suggestion", "review_decision", "composite_score",
                    "rank", "is_inspection_target", "meeting_result"]
    list_filter = ["status", "source", "review_decision", "is_inspection_target", "campaign"]
    search_fields = ["cadre__name", "campaign_post__post__title"]
    list_select_related = ["cadre", "campaign_post__post__unit"]
    raw_id_fields = ["campaign", "campaign_post", "cadre", "reviewed_by", "created_by"]


@admin.register(JudgeScore)
class JudgeScoreAdmin(SimpleHistoryAdmin):
    list_display = ["application", "judge", "score", "scored_at", "correction_reason"]
    list_select_related = ["application__cadre", "application__campaign_post__post__unit", "judge"]
    raw_id_fields = ["application", "judge"]


class MeetingMemberInline(admin.TabularInline):
    model = MeetingMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "held_on", "quorum_met"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign", "recorded_by"]
    inlines = [MeetingMemberInline]


@admin.register(MeetingVote)
class MeetingVoteAdmin(admin.ModelAdmin):
    list_display = ["meeting", "member", "application", "choice"]
    list_select_related = ["meeting", "member", "application__cadre", "application__campaign_post__post__unit"]
    raw_id_fields = ["meeting", "member", "application"]


@admin.register(Objection)
class ObjectionAdmin(SimpleHistoryAdmin):
    list_display = ["application", "received_on", "channel", "status", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["application__cadre", "application__campaign_post__post__unit"]
    raw_id_fields = ["application", "resolved_by", "created_by"]


@admin.register(StageEvent)
class StageEventAdmin(admin.ModelAdmin):
    list_display = ["campaign", "label", "from_stage", "to_stage", "is_withdrawal", "actor", "actor_label",
                    "created_at"]
    list_filter = ["is_withdrawal", "action"]
    list_select_related = ["campaign", "actor"]
    raw_id_fields = ["campaign", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
