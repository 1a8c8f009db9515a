from django.contrib import admin

from tod.admin_site import AccessLoggedAdmin

from .models import (
    Consent,
    ConsentText,
    Course,
    CourseInvitation,
    Dilemma,
    FollowUpAction,
    InitialConversation,
    Participant,
    Round,
    Screening,
    Session,
    SessionInvitation,
    SiteSettings,
    SuggestedTopic,
    TrainingAttendance,
    TrainingDay,
    Withdrawal,
)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "starts_on", "ends_on"]
    list_filter = ["site"]


@admin.register(Participant)
class ParticipantAdmin(AccessLoggedAdmin):
    participant_paths = ("pk",)
    list_display = ["last_name", "first_name", "kind", "status", "referral_channel", "site"]
    list_filter = ["site", "kind", "status", "referral_channel"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["site"]


class ReadOnlyHistoryAdmin(AccessLoggedAdmin):
    """Screenings, consents and withdrawals are history: recorded through the app's services,
    read here, never edited or deleted."""

    participant_paths = ("participant",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyHistoryAdmin):
    list_display = ["participant", "screened_on", "result", "derived_result", "screened_by"]
    list_filter = ["result"]
    list_select_related = ["participant", "screened_by"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["participant", "purpose", "decision", "text", "decided_on", "recorded_by"]
    list_filter = ["purpose", "decision"]
    list_select_related = ["participant", "text", "recorded_by"]


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyHistoryAdmin):
    list_display = ["participant", "withdrawn_on", "initiated_by", "data_choice"]
    list_select_related = ["participant"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["site", "purpose", "version", "title", "valid_from"]
    list_filter = ["site", "purpose"]
    list_select_related = ["site"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["site", "quiet_from", "quiet_to", "sms_sender", "contact_name"]
    list_select_related = ["site"]


@admin.register(InitialConversation)
class InitialConversationAdmin(AccessLoggedAdmin):
    participant_paths = ("participant",)
    list_display = ["participant", "held_on", "held_by"]
    list_select_related = ["participant", "held_by"]


class TrainingDayInline(admin.TabularInline):
    model = TrainingDay
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "round", "trainer", "capacity"]
    list_filter = ["site"]
    inlines = [TrainingDayInline]


@admin.register(CourseInvitation)
class CourseInvitationAdmin(AccessLoggedAdmin):
    participant_paths = ("participant",)
    list_display = ["course", "participant", "invited_at", "cancelled_at"]
    list_select_related = ["course", "participant"]


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(AccessLoggedAdmin):
    participant_paths = ("participant",)
    list_display = ["day", "participant", "attended"]
    list_select_related = ["day__course", "participant"]


class SessionInvitationInline(admin.TabularInline):
    model = SessionInvitation
    extra = 0
    raw_id_fields = ["participant"]


@admin.register(Session)
class SessionAdmin(AccessLoggedAdmin):
    participant_paths = ("invitations__participant",)
    list_display = ["starts_at", "kind", "site", "place", "leader"]
    list_filter = ["site", "kind"]
    inlines = [SessionInvitationInline]


@admin.register(Dilemma)
class DilemmaAdmin(admin.ModelAdmin):
    list_display = ["session", "theme"]
    list_filter = ["theme"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(admin.ModelAdmin):
    list_display = ["text", "session", "responsible", "due_on", "done_at"]


@admin.register(SuggestedTopic)
class SuggestedTopicAdmin(admin.ModelAdmin):
    list_display = ["text", "site", "source", "created_at", "session", "dismissed_at"]
    list_filter = ["site"]
