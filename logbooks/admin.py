from django.contrib import admin

from tod.admin_site import AccessLoggedAdmin

from .models import Logbook, LogbookComment, LogbookVersion, Meeting, MeetingPlan, Pair, Pause


@admin.register(Pair)
class PairAdmin(AccessLoggedAdmin):
    participant_paths = ("peer", "supporter")
    list_display = ["peer", "supporter", "status", "started_on", "site", "similarities", "score"]
    list_filter = ["site", "status"]
    list_select_related = ["peer", "supporter", "site"]
    raw_id_fields = ["peer", "supporter", "peer_survey", "supporter_survey", "proposal"]
    raw_id_fields += ["previous_pair", "formed_by"]


@admin.register(MeetingPlan)
class MeetingPlanAdmin(AccessLoggedAdmin):
    participant_paths = ("pair__peer", "pair__supporter")
    list_display = ["pair", "match_meeting_on", "weekday", "time", "place"]
    raw_id_fields = ["pair"]


@admin.register(Meeting)
class MeetingAdmin(AccessLoggedAdmin):
    participant_paths = ("pair__peer", "pair__supporter")
    list_display = ["pair", "sequence", "planned_at", "status", "held_on"]
    list_filter = ["status"]
    raw_id_fields = ["pair", "held_by", "recorded_by"]


@admin.register(Pause)
class PauseAdmin(AccessLoggedAdmin):
    participant_paths = ("pair__peer", "pair__supporter")
    list_display = ["pair", "starts_on", "ends_on"]
    raw_id_fields = ["pair", "created_by"]


class CommentInline(admin.TabularInline):
    model = LogbookComment
    extra = 0
    raw_id_fields = ["author"]


class VersionInline(admin.TabularInline):
    model = LogbookVersion
    extra = 0
    readonly_fields = ["version", "answers", "reviewed_at", "saved_at"]


@admin.register(Logbook)
class LogbookAdmin(AccessLoggedAdmin):
    participant_paths = ("meeting__pair__peer", "meeting__pair__supporter")
    list_display = ["meeting", "author", "status", "needs_support", "submitted_at"]
    list_filter = ["status", "needs_support"]
    raw_id_fields = ["meeting", "author", "reviewed_by", "support_handled_by"]
    inlines = [CommentInline, VersionInline]
