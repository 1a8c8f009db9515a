"""The evaluation's reports, computed from the data. Each function runs a fixed number of queries
whatever the number of cases, and returns pseudonymised rows only (no names, no contact details,
no dates of birth)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Round
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from logbooks.models import Meeting, MeetingStatus, Pair, PairStatus
from programme.models import Kind, Participant, Sex, Status

from . import engagement
from .models import (
    CaseConfiguration,
    Complication,
    ContextFactor,
    Diagnosis,
    Education,
    Employment,
    Mechanism,
    NurseVisit,
    Origin,
    Outcome,
    TheoryConfiguration,
)
from .models.choices import (
    Influence,
    MechanismCategory,
    OutcomeKind,
    OutcomeResult,
    VisitKind,
)
from .pseudonyms import age_on, case_pseudonym
from .scoring import hba1c_percent
from .selectors import evaluation_consent_q

STARTED = (PairStatus.ACTIVE, PairStatus.PAUSED, PairStatus.COMPLETED, PairStatus.ENDED)


def cases_for(user) -> QuerySet[Pair]:
    """The cases (pairs that started) the user may evaluate: their sites, both consented."""
    return (
        Pair.objects.for_user(user)
        .filter(status__in=STARTED)
        .filter(evaluation_consent_q("peer__"), evaluation_consent_q("supporter__"))
        .order_by("started_on", "id")
    )


# --- The sample table (the study's Table 2) ------------------------------------------------------


@dataclass
class SampleRow:
    section: str
    label: str
    peers: str | int
    supporters: str | int


def _age_summary(ages: list[int]) -> str:
    if not ages:
        return "–"
    median = statistics.median(ages)
    return f"{floatformat(median, -1)} ({min(ages)}-{max(ages)})"


def sample_table(user, *, on: dt.date) -> list[SampleRow]:
    """Characteristics of the peers and supporters in the cases. Two queries."""
    cases = cases_for(user)
    people = list(
        Participant.objects.filter(
            Q(pk__in=cases.values("peer_id")) | Q(pk__in=cases.values("supporter_id"))
        )
        .select_related("evaluation_background")
        .only(
            "id",
            "kind",
            "sex",
            "date_of_birth",
            "evaluation_background__origin",
            "evaluation_background__education",
            "evaluation_background__employment",
            "evaluation_background__complications",
            "evaluation_background__other_diagnoses",
            "evaluation_background__work_experience_as_support_person",
        )
    )
    pre_visits = {
        v["peer_id"]: v
        for v in NurseVisit.objects.filter(
            kind=VisitKind.PRE, peer_id__in=cases.values("peer_id")
        ).values("peer_id", "complications", "other_diagnoses")
    }
    groups: dict[str, list] = {Kind.PEER: [], Kind.SUPPORTER: []}
    for person in people:
        groups.setdefault(person.kind, []).append(person)

    def background(person):
        return getattr(person, "evaluation_background", None)

    def conditions(person, name: str) -> set[str]:
        values = set(getattr(background(person), name, None) or [])
        visit = pre_visits.get(person.id)
        if visit:
            values |= set(visit[name] or [])
        return values

    rows: list[SampleRow] = []

    def add(section, label, count_of):
        rows.append(
            SampleRow(
                str(section),
                str(label),
                count_of(groups[Kind.PEER]),
                count_of(groups[Kind.SUPPORTER]),
            )
        )

    add(_("Number"), _("Total"), len)
    for value, label in Sex.choices:
        add(_("Sex"), label, lambda ps, v=value: sum(p.sex == v for p in ps))
    add(
        _("Age"),
        _("Median (range)"),
        lambda ps: _age_summary([age_on(p.date_of_birth, on) for p in ps]),
    )
    for name, section, choices in (
        ("origin", _("Origin"), Origin.choices),
        ("education", _("Education"), Education.choices),
        ("employment", _("Employment"), Employment.choices),
    ):
        for value, label in choices:
            add(
                section,
                label,
                lambda ps, n=name, v=value: sum(getattr(background(p), n, "") == v for p in ps),
            )
        add(
            section,
            _("Not recorded"),
            lambda ps, n=name: sum(not getattr(background(p), n, "") for p in ps),
        )
    add(
        _("Lived experience"),
        _("Work experience as a support person"),
        lambda ps: sum(
            bool(getattr(background(p), "work_experience_as_support_person", False)) for p in ps
        ),
    )
    add(
        _("Diabetes complications"),
        _("One or more"),
        lambda ps: sum(bool(conditions(p, "complications")) for p in ps),
    )
    for value, label in Complication.choices:
        add(
            _("Diabetes complications"),
            label,
            lambda ps, v=value: sum(v in conditions(p, "complications") for p in ps),
        )
    add(
        _("Other diagnoses"),
        _("One or more"),
        lambda ps: sum(bool(conditions(p, "other_diagnoses")) for p in ps),
    )
    for value, label in Diagnosis.choices:
        add(
            _("Other diagnoses"),
            label,
            lambda ps, v=value: sum(v in conditions(p, "other_diagnoses") for p in ps),
        )
    return rows


# --- Outcomes per case ---------------------------------------------------------------------------


def outcome_summary(user, *, total: int | None = None) -> list[dict]:
    """For each outcome kind: how many cases yes / no / unclear / not assessed. Two queries, one
    when the caller already counted the cases (`total`)."""
    cases = cases_for(user)
    if total is None:
        total = cases.count()
    counts = Counter(
        (row["kind"], row["result"])
        for row in Outcome.objects.filter(pair__in=cases).values("kind", "result")
    )
    summary = []
    for kind, label in OutcomeKind.choices:
        assessed = {result: counts[(kind, result)] for result in OutcomeResult.values}
        summary.append(
            {
                "kind": kind,
                "label": label,
                "immediate": kind in OutcomeKind.immediate(),
                "yes": assessed[OutcomeResult.YES],
                "no": assessed[OutcomeResult.NO],
                "unclear": assessed[OutcomeResult.UNCLEAR],
                "missing": total - sum(assessed.values()),
            }
        )
    return summary


def outcome_pattern_rows(pairs) -> list[dict]:
    """One row per case of a page: outcomes by kind, hindering and facilitating contexts.
    `pairs` must prefetch outcomes and contexts (see `outcome_pattern_queryset`)."""
    rows = []
    for pair in pairs:
        outcomes = {o.kind: o for o in pair.outcomes.all()}
        rows.append(
            {
                "pair": pair,
                "case": case_pseudonym(pair.pk),
                "outcomes": [outcomes.get(kind) for kind in OutcomeKind.values],
                "hindering": [c for c in pair.contexts.all() if c.influence == Influence.HINDERING],
                "facilitating": [
                    c for c in pair.contexts.all() if c.influence == Influence.FACILITATING
                ],
            }
        )
    return rows


def outcome_pattern_queryset(user) -> QuerySet[Pair]:
    return cases_for(user).prefetch_related("outcomes", "contexts")


# --- The ICAMO matrix (the study's Table 3) ------------------------------------------------------


def icamo_matrix(user, theory) -> list[dict]:
    """The configurations of one theory version with the cases that support, refute or refine
    each and the evidence cited for it. Three queries."""
    if theory is None:
        return []
    cases = cases_for(user)
    configurations = list(TheoryConfiguration.objects.filter(theory=theory))
    stances = defaultdict(Counter)
    for row in (
        CaseConfiguration.objects.filter(theory_configuration__in=configurations, pair__in=cases)
        .values("theory_configuration_id", "stance")
        .annotate(n=Count("pair_id", distinct=True))
    ):
        stances[row["theory_configuration_id"]][row["stance"]] += row["n"]
    evidence = _evidence_counts(configurations)
    return [
        {
            "configuration": c,
            "supports": stances[c.pk]["supports"],
            "refutes": stances[c.pk]["refutes"],
            "refines": stances[c.pk]["refines"],
            "evidence": evidence.get(c.pk, 0),
        }
        for c in configurations
    ]


def _evidence_counts(configurations) -> dict[int, int]:
    from .models import Evidence

    return {
        row["theory_configuration_id"]: row["n"]
        for row in Evidence.objects.filter(theory_configuration__in=configurations)
        .values("theory_configuration_id")
        .annotate(n=Count("id"))
    }


def mechanism_outcome_crosstab(user) -> dict:
    """Case configurations counted by mechanism (rows) and outcome (columns). One query."""
    cases = cases_for(user)
    counts = Counter(
        (row["mechanism__category"], row["outcome__kind"])
        for row in CaseConfiguration.objects.filter(pair__in=cases).values(
            "mechanism__category", "outcome__kind"
        )
    )
    columns = OutcomeKind.choices
    rows = [
        {
            "label": label,
            "kind": MechanismCategory.kind_of(value),
            "cells": [counts[(value, kind)] for kind, _label in columns],
        }
        for value, label in MechanismCategory.choices
    ]
    return {"columns": [label for _v, label in columns], "rows": rows}


# --- Pre/post change -----------------------------------------------------------------------------

MEASURES = [
    ("hba1c_mmol_mol", _("HbA1c (mmol/mol)")),
    ("systolic_mmhg", _("Systolic blood pressure (mmHg)")),
    ("diastolic_mmhg", _("Diastolic blood pressure (mmHg)")),
    ("weight_kg", _("Weight (kg)")),
    ("bmi", _("BMI (kg/m²)")),
    ("waist_cm", _("Waist (cm)")),
    ("who5_score", _("WHO-5 well-being (0-100)")),
    ("paid5_score", _("PAID-5 diabetes distress (0-20)")),
    ("gp_contacts", _("GP contacts (six months)")),
    ("missed_appointments", _("Missed appointments (six months)")),
]


@dataclass
class PrePost:
    key: str
    label: str
    n: int = 0
    pre_mean: Decimal | None = None
    post_mean: Decimal | None = None
    change: Decimal | None = None
    extra: dict = field(default_factory=dict)


def _bmi_expression(prefix: str = ""):
    """BMI in SQL (kg/m²), rounded to one decimal as scoring.bmi rounds it. Computed in floating
    point (SQLite stores 170.0 as the integer 170), then rounded as a decimal (PostgreSQL rounds
    numeric to a number of places, not double precision)."""
    weight = Cast(F(f"{prefix}weight_kg"), FloatField())
    height = Cast(F(f"{prefix}height_cm"), FloatField())
    ratio = ExpressionWrapper(weight * Value(10000.0) / (height * height), FloatField())
    return Round(Cast(ratio, DecimalField(max_digits=12, decimal_places=6)), 1)


def _both_measured(key: str) -> Q:
    fields = ("weight_kg", "height_cm") if key == "bmi" else (key,)
    return Q(**{f"{p}{name}__isnull": False for p in ("", "post__") for name in fields})


def pre_post(user) -> list[PrePost]:
    """Mean before, after and change per measure over the peers with both visits. One query:
    each pre-visit joined to the same peer's post-visit, every mean and count aggregated in SQL."""
    cases = cases_for(user)
    visits = NurseVisit.objects.filter(
        kind=VisitKind.PRE, peer_id__in=cases.values("peer_id")
    ).annotate(
        post=FilteredRelation(
            "peer__nurse_visits", condition=Q(peer__nurse_visits__kind=VisitKind.POST)
        )
    )
    aggregates = {}
    for key, _label in MEASURES:
        both = _both_measured(key)
        before = _bmi_expression() if key == "bmi" else F(key)
        after = _bmi_expression("post__") if key == "bmi" else F(f"post__{key}")
        aggregates[f"{key}__n"] = Count("pk", filter=both)
        aggregates[f"{key}__pre"] = Avg(before, filter=both, output_field=DecimalField())
        aggregates[f"{key}__post"] = Avg(after, filter=both, output_field=DecimalField())
    both = _both_measured("paid5_score")
    aggregates["pre_distress"] = Count("pk", filter=both & Q(paid5_score__gte=8))
    aggregates["post_distress"] = Count("pk", filter=both & Q(post__paid5_score__gte=8))
    both = _both_measured("who5_score")
    aggregates["pre_poor"] = Count("pk", filter=both & Q(who5_score__lte=50))
    aggregates["post_poor"] = Count("pk", filter=both & Q(post__who5_score__lte=50))
    row = visits.aggregate(**aggregates)
    result = []
    for key, label in MEASURES:
        item = PrePost(key=key, label=str(label), n=row[f"{key}__n"])
        if item.n:
            item.pre_mean = _quantized(row[f"{key}__pre"])
            item.post_mean = _quantized(row[f"{key}__post"])
            item.change = item.post_mean - item.pre_mean
        if key == "hba1c_mmol_mol" and item.pre_mean is not None:
            item.extra = {
                "pre_percent": hba1c_percent(item.pre_mean),
                "post_percent": hba1c_percent(item.post_mean),
            }
        if key == "paid5_score":
            item.extra = {k: row[k] for k in ("pre_distress", "post_distress")}
        if key == "who5_score":
            item.extra = {k: row[k] for k in ("pre_poor", "post_poor")}
        result.append(item)
    return result


def _quantized(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"))


@dataclass
class MeasureChange:
    label: str
    before: Decimal | int | None
    after: Decimal | int | None
    change: Decimal | int | None


def _measure(visit: NurseVisit, key: str):
    return visit.bmi if key == "bmi" else getattr(visit, key)


def visit_changes(pre: NurseVisit, post: NurseVisit) -> list[MeasureChange]:
    """One peer's measures before and after (the pre/post report's measures), with the change
    where both visits measured it. No query: the two visits are given."""
    rows = []
    for key, label in MEASURES:
        before, after = _measure(pre, key), _measure(post, key)
        change = None
        if before is not None and after is not None:
            change = after - before
        rows.append(MeasureChange(label=str(label), before=before, after=after, change=change))
    return rows


# --- Engagement against similarity ---------------------------------------------------------------

SIMILARITY_FIELDS = ("sex", "age", "origin", "education", "employment")


def similarities(peer: dict, supporter: dict) -> int:
    """The number of sociodemographic characteristics the two share (0-5): sex, age within ten
    years, origin, education and employment, from what the match surveys and backgrounds hold."""
    count = 0
    if peer.get("sex") and peer.get("sex") == supporter.get("sex"):
        count += 1
    if peer.get("born") and supporter.get("born") and abs(peer["born"] - supporter["born"]) <= 10:
        count += 1
    for name in ("origin", "education", "employment"):
        if peer.get(name) and peer.get(name) == supporter.get(name):
            count += 1
    return count


def engagement_rows(user) -> list[dict]:
    """Per case: similarities, meetings held, logbook words, mechanism items. Four queries."""
    cases = cases_for(user)
    rows = list(
        cases.annotate(mechanism_items=Count("mechanisms", distinct=True)).values(
            "id",
            "started_on",
            "ended_on",
            "mechanism_items",
            "similarities",
            "peer__sex",
            "peer__date_of_birth",
            "peer__evaluation_background__origin",
            "peer__evaluation_background__education",
            "peer__evaluation_background__employment",
            "supporter__sex",
            "supporter__date_of_birth",
            "supporter__evaluation_background__origin",
            "supporter__evaluation_background__education",
            "supporter__evaluation_background__employment",
        )
    )
    ids = [row["id"] for row in rows]
    meetings = engagement.meetings_held(ids)
    words = engagement.logbook_words(ids)
    result = []
    for row in rows:

        def side(prefix, row=row):
            born = row[f"{prefix}__date_of_birth"]
            return {
                "sex": row[f"{prefix}__sex"],
                "born": born.year if born else None,
                "origin": row[f"{prefix}__evaluation_background__origin"],
                "education": row[f"{prefix}__evaluation_background__education"],
                "employment": row[f"{prefix}__evaluation_background__employment"],
            }

        held = meetings.get(row["id"])
        months = _months(row["started_on"], row["ended_on"])
        result.append(
            {
                "id": row["id"],
                "case": case_pseudonym(row["id"]),
                # The matching's count from the match surveys when it has one; else computed.
                "similarities": (
                    row["similarities"]
                    if row["similarities"] is not None
                    else similarities(side("peer"), side("supporter"))
                ),
                "meetings": held,
                "meetings_per_month": (
                    round(held / months, 1) if held is not None and months else None
                ),
                "logbook_words": words.get(row["id"]),
                "mechanism_items": row["mechanism_items"],
            }
        )
    return result


def engagement_summary(user, *, lowest: int = 5) -> dict:
    """For the dashboard: cases with held meetings, the mean held and per month, and the cases
    meeting least often. One query (the held meetings counted in SQL per case)."""
    held = (
        Meeting.objects.filter(pair=OuterRef("pk"), status=MeetingStatus.HELD)
        .order_by()
        .values("pair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = list(
        cases_for(user)
        .annotate(held=Subquery(held, output_field=IntegerField()))
        .filter(held__gt=0)
        .values("id", "started_on", "ended_on", "held")
    )
    for row in rows:
        row["meetings"] = row.pop("held")
        months = _months(row["started_on"], row["ended_on"])
        row["case"] = case_pseudonym(row["id"])
        row["meetings_per_month"] = round(row["meetings"] / months, 1) if months else None
    per_month = [r["meetings_per_month"] for r in rows if r["meetings_per_month"]]
    return {
        "cases": len(rows),
        "mean": round(sum(r["meetings"] for r in rows) / len(rows), 1) if rows else None,
        "per_month": round(sum(per_month) / len(per_month), 1) if per_month else None,
        "low": sorted(rows, key=lambda r: r["meetings_per_month"] or 0)[:lowest],
    }


def _months(started: dt.date | None, ended: dt.date | None) -> float | None:
    if started is None:
        return None
    from django.utils import timezone

    end = ended or timezone.localdate()
    days = (end - started).days
    return max(days / 30.44, 0.5)


def engagement_by_similarity(rows: list[dict]) -> list[dict]:
    """Mean engagement per number of similarities."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["similarities"]].append(row)
    result = []
    for count in range(len(SIMILARITY_FIELDS) + 1):
        group = grouped.get(count, [])

        def mean(name, group=group):
            values = [r[name] for r in group if r[name] is not None]
            return round(sum(values) / len(values), 1) if values else None

        result.append(
            {
                "similarities": count,
                "cases": len(group),
                "meetings": mean("meetings"),
                "logbook_words": mean("logbook_words"),
                "mechanism_items": mean("mechanism_items"),
            }
        )
    return result


# --- Recruitment funnel --------------------------------------------------------------------------

FUNNEL_STEPS = [
    ("referred", _("Referred")),
    ("screened", _("Screened")),
    ("eligible", _("Eligible")),
    ("consented", _("Consented")),
    ("matched", _("In a pair that started")),
    ("completed", _("Completed")),
]
AFTER_SCREENING = {
    Status.SCREENED,
    Status.CONSENTED,
    Status.TRAINED,
    Status.ACTIVE,
    Status.COMPLETED,
    Status.WITHDRAWN,
}
CONSENTED = {Status.CONSENTED, Status.TRAINED, Status.ACTIVE, Status.COMPLETED}


def recruitment_funnel(user) -> list[dict]:
    """Participants of the user's sites at each step, peers and supporters. Two queries.

    Counts only, no persons: every participant counts, whatever their evaluation consent."""
    counts: dict[str, Counter] = {Kind.PEER: Counter(), Kind.SUPPORTER: Counter()}
    for row in Participant.objects.for_user(user).values("kind", "status").annotate(n=Count("id")):
        counts.setdefault(row["kind"], Counter())[row["status"]] += row["n"]
    started = Pair.objects.for_user(user).filter(status__in=STARTED)
    both = started.aggregate(
        peers=Count("peer_id", distinct=True), supporters=Count("supporter_id", distinct=True)
    )
    matched = {Kind.PEER: both["peers"], Kind.SUPPORTER: both["supporters"]}

    def step(kind, name):
        c = counts[kind]
        total = sum(c.values())
        if name == "referred":
            return total
        if name == "screened":
            return sum(c[s] for s in AFTER_SCREENING) + c[Status.NOT_ELIGIBLE]
        if name == "eligible":
            return sum(c[s] for s in AFTER_SCREENING)
        if name == "consented":
            return sum(c[s] for s in CONSENTED)
        if name == "matched":
            return matched[kind]
        return c[Status.COMPLETED]

    return [
        {
            "step": name,
            "label": label,
            "peers": step(Kind.PEER, name),
            "supporters": step(Kind.SUPPORTER, name),
        }
        for name, label in FUNNEL_STEPS
    ]


__all__ = [
    "ContextFactor",
    "Mechanism",
    "cases_for",
    "engagement_by_similarity",
    "engagement_rows",
    "engagement_summary",
    "icamo_matrix",
    "mechanism_outcome_crosstab",
    "outcome_pattern_queryset",
    "outcome_pattern_rows",
    "outcome_summary",
    "pre_post",
    "recruitment_funnel",
    "sample_table",
]
