"""The admin site: the codebook (themes and code groups) is edited here; the other records are
listed for support staff. Participants appear by id only (raw id fields), never by name."""

from django.contrib import admin

from tod.admin_site import AccessLoggedAdmin

from .models import (
    CodeGroup,
    Evidence,
    Interview,
    NurseVisit,
    Observation,
    ProgrammeTheory,
    Theme,
    TheoryConfiguration,
)


class CodeGroupInline(admin.TabularInline):
    model = CodeGroup
    extra = 1
    fields = ["key", "name", "order"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "order"]
    inlines = [CodeGroupInline]


@admin.register(NurseVisit)
class NurseVisitAdmin(AccessLoggedAdmin):
    participant_paths = ("peer",)
    list_display = ["id", "peer_id", "kind", "visited_on", "site", "who5_score", "paid5_score"]
    list_filter = ["site", "kind"]
    raw_id_fields = ["peer", "nurse"]


@admin.register(Interview)
class InterviewAdmin(AccessLoggedAdmin):
    participant_paths = ("pair__peer", "pair__supporter")
    list_display = ["id", "informant_type", "conducted_on", "mode", "site"]
    list_filter = ["site", "informant_type", "mode"]
    raw_id_fields = ["pair", "interviewer"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["id", "setting", "observed_on", "site"]
    list_filter = ["site", "setting"]
    raw_id_fields = ["observer"]


class TheoryConfigurationInline(admin.StackedInline):
    model = TheoryConfiguration
    extra = 0
    raw_id_fields = ["derived_from"]


@admin.register(ProgrammeTheory)
class ProgrammeTheoryAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "kind", "site"]
    list_filter = ["site"]
    raw_id_fields = ["refines", "created_by"]
    inlines = [TheoryConfigurationInline]


@admin.register(Evidence)
class EvidenceAdmin(AccessLoggedAdmin):
    # Whose case the evidence is about, and whose record it quotes.
    participant_paths = tuple(
        f"{link}__{side}"
        for link in (
            "outcome__pair",
            "context__pair",
            "mechanism__pair",
            "case_configuration__pair",
            "interview__pair",
            "logbook__meeting__pair",
        )
        for side in ("peer", "supporter")
    ) + ("nurse_visit__peer",)
    list_display = ["id", "source_kind", "stance", "site"]
    list_filter = ["site", "source_kind"]
    raw_id_fields = [
        "outcome",
        "context",
        "mechanism",
        "case_configuration",
        "theory_configuration",
        "excerpt",
        "interview",
        "observation",
        "nurse_visit",
        "logbook",
        "created_by",
    ]
