from django.contrib import admin

from tod.admin_site import AccessLoggedAdmin

from .models import MatchProposal, MatchRule, MatchRun, MatchSurvey, MatchWeights


@admin.register(MatchSurvey)
class MatchSurveyAdmin(AccessLoggedAdmin):
    participant_paths = ("participant",)
    list_display = ["participant", "version", "is_current", "created_at"]
    list_filter = ["is_current"]
    list_select_related = ["participant"]
    raw_id_fields = ["participant", "filled_by"]


@admin.register(MatchWeights)
class MatchWeightsAdmin(admin.ModelAdmin):
    list_display = ["site", "similarity", "language", "distance", "needs", "availability"]


@admin.register(MatchRule)
class MatchRuleAdmin(AccessLoggedAdmin):
    participant_paths = ("peer", "supporter")
    list_display = ["peer", "supporter", "kind", "source", "created_at"]
    list_filter = ["kind", "source", "site"]
    raw_id_fields = ["peer", "supporter", "created_by"]


class ProposalInline(admin.TabularInline):
    model = MatchProposal
    fields = ["peer", "supporter", "score", "similarities", "locked"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(MatchRun)
class MatchRunAdmin(AccessLoggedAdmin):
    participant_paths = ("proposals__peer", "proposals__supporter")
    list_display = ["site", "created_at", "status", "progress", "peers", "supporters", "pairs"]
    list_filter = ["site", "status"]
    inlines = [ProposalInline]
