"""Helpers of the form fuzzers (tests/security/test_form_fuzz.py).

- `field_strategies(form)`: per field, the values hypothesis infers for it (`from_field`) mixed
  with hostile ones: junk text, numbers past every column's range, impossible dates, digits
  that are not ASCII, and for a choice of objects the ids of objects of another site, ids that
  do not exist and ids that are not numbers.
- `as_post(data)`: the drawn values as a browser would send them.
- `Scope`: which rows lie outside a user's reach, and `writes_outside(scope, since)`: the rows
  the audit trail says a request created, changed or deleted out there. The audit triggers see
  every write (save, QuerySet.update, bulk_create, raw SQL), so they are the witness.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Q
from hypothesis import strategies as st
from hypothesis.errors import ResolutionFailed
from hypothesis.extra.django import from_field

NASTY_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e400",
    "NaN",
    "inf",
    "99999999999999999999",
    "-99999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "25:61",
    "²³¹⁴",  # digits to str.isdigit(), not to int()
    "١٢٣٤",  # Arabic-Indic digits
    "\x00",
    "\u202e\u200b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 300,
    "🙂" * 20,
]
JUNK = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=30))
MISSING_PK = 10**9


def _choice_ids(field: forms.ModelChoiceField) -> list:
    """Ids the user may choose, ids of the same model they may not, and ids that are wrong."""
    allowed = list(field.queryset.order_by("pk").values_list("pk", flat=True)[:25])
    model = field.queryset.model
    others = list(
        model._default_manager.exclude(pk__in=field.queryset.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)[:25]
    )
    return allowed + others + [MISSING_PK, 0, -1, "abc", "1.5", ""]


def field_strategy(field: forms.Field) -> st.SearchStrategy:
    if isinstance(field, forms.ModelMultipleChoiceField):
        return st.lists(st.sampled_from(_choice_ids(field)) | JUNK, max_size=4) | JUNK
    if isinstance(field, forms.ModelChoiceField):
        return st.sampled_from(_choice_ids(field)) | JUNK
    try:
        inferred = from_field(field)
    except ResolutionFailed:  # a field type hypothesis does not know (e.g. a phone number)
        inferred = st.from_regex(r"\A\+?[0-9 ]{0,16}\Z")
    if isinstance(field, forms.MultipleChoiceField):
        return inferred | st.lists(JUNK, max_size=3)
    return inferred | JUNK


def field_strategies(form: forms.BaseForm) -> dict[str, st.SearchStrategy]:
    """A strategy for every field of an unbound form (with the kwargs the view gives it),
    drawing text as a browser sends it: a form is only ever bound to request.POST or GET."""
    strategies = {}
    for name, form_field in form.fields.items():
        if isinstance(form_field, forms.MultiValueField):
            for i, sub in enumerate(form_field.fields):
                strategies[f"{name}_{i}"] = field_strategy(sub).map(_encode)
        elif not form_field.disabled:
            strategies[name] = field_strategy(form_field).map(_encode)
    return strategies


def _encode(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_encode(item) for item in value]
    if isinstance(value, (dt.date, dt.time)):  # datetimes too
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return str(value)


def as_post(data: dict) -> dict:
    return {name: _encode(value) for name, value in data.items()}


# --- Scope: the rows a user must never write ---------------------------------------------------


@dataclass
class Scope:
    """{table: {row ids as text}} of the rows outside a user's reach."""

    who: str
    foreign: dict[str, set[str]] = field(default_factory=dict)
    # {table: {column: referenced table}} of the audited tables
    references: dict[str, dict[str, str]] = field(default_factory=dict)

    def touches(self, table: str, row: dict | None) -> str | None:
        """Why a row (as the audit trail stored it) lies outside the scope, or None."""
        if not row:
            return None
        own = self.foreign.get(table, set())
        if str(row.get("id")) in own:
            return f"{table}#{row.get('id')}"
        for column, target in self.references.get(table, {}).items():
            value = row.get(column)
            if value is not None and str(value) in self.foreign.get(target, set()):
                return f"{table}#{row.get('id')} -> {target}#{value} ({column})"
        return None


def _ids(queryset) -> set[str]:
    return {str(pk) for pk in queryset.values_list("pk", flat=True)}


def scope_for(user, sites=None) -> Scope:
    """Outside the scope: everything of the sites the user does not work in and, for a peer
    supporter, every pair but their own (its meetings and logbooks, and its people)."""
    from evaluation.models import (
        CaseConfiguration,
        ContextFactor,
        Evidence,
        Interview,
        MeaningUnit,
        Mechanism,
        NurseVisit,
        Observation,
        Outcome,
        ProgrammeTheory,
        TheoryConfiguration,
    )
    from logbooks.models import Logbook, Meeting, Pair
    from matching.models import MatchRule, MatchSurvey, MatchWeights
    from programme.models import Course, Participant, Round, Session, TrainingDay
    from tod.accounts.models import Role, Site
    from tod.audit.triggers import audited_models

    site_ids = set(sites if sites is not None else user.sites.values_list("pk", flat=True))
    away = ~Q(site__in=site_ids)
    foreign_pairs = Pair.objects.filter(away)
    foreign_people = Participant.objects.filter(away)
    if user is not None and getattr(user, "role", "") == Role.SUPPORTER:
        own_pairs = Pair.objects.filter(supporter__user=user)
        foreign_pairs = Pair.objects.exclude(pk__in=own_pairs.values("pk"))
        foreign_people = Participant.objects.exclude(
            Q(user=user) | Q(pk__in=own_pairs.values("peer_id"))
        )
    scope = Scope(who=str(user or "anonymous"))
    tables = {
        Site: Site.objects.exclude(pk__in=site_ids),
        Round: Round.objects.filter(away),
        Participant: foreign_people,
        Session: Session.objects.filter(away),
        Course: Course.objects.filter(away),
        TrainingDay: TrainingDay.objects.exclude(course__site__in=site_ids),
        Pair: foreign_pairs,
        MatchRule: MatchRule.objects.filter(away),
        MatchWeights: MatchWeights.objects.filter(away),
        MatchSurvey: MatchSurvey.objects.filter(participant__in=foreign_people),
        Meeting: Meeting.objects.filter(pair__in=foreign_pairs),
        Logbook: Logbook.objects.filter(meeting__pair__in=foreign_pairs),
        Outcome: Outcome.objects.filter(pair__in=foreign_pairs),
        ContextFactor: ContextFactor.objects.filter(pair__in=foreign_pairs),
        Mechanism: Mechanism.objects.filter(pair__in=foreign_pairs),
        CaseConfiguration: CaseConfiguration.objects.filter(pair__in=foreign_pairs),
        Evidence: Evidence.objects.filter(away),
        Interview: Interview.objects.filter(away),
        Observation: Observation.objects.filter(away),
        MeaningUnit: MeaningUnit.objects.filter(away),
        ProgrammeTheory: ProgrammeTheory.objects.filter(away),
        TheoryConfiguration: TheoryConfiguration.objects.exclude(theory__site__in=site_ids),
        NurseVisit: NurseVisit.objects.filter(away),
    }
    for model, queryset in tables.items():
        scope.foreign[model._meta.db_table] = _ids(queryset)
    for model in audited_models():
        scope.references[model._meta.db_table] = {
            f.column: f.related_model._meta.db_table
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model._meta.db_table in scope.foreign
        }
    return scope


def writes_outside(scope: Scope, since_id: int) -> list[str]:
    """The audited writes after `since_id` that touch a row outside the scope."""
    from tod.audit.models import AuditEvent

    problems = []
    for event in AuditEvent.objects.filter(id__gt=since_id).order_by("id"):
        reason = scope.touches(event.table_name, event.old) or scope.touches(
            event.table_name, event.new
        )
        if reason:
            problems.append(f"{event.action} {reason}")  # I, U or D
    return problems


def last_audit_id() -> int:
    from tod.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
