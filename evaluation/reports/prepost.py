"""The change of the nurse's measures between the pre and the post visit."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Q,
    Value,
)
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext_lazy as _

from ..models import NurseVisit
from ..models.choices import VisitKind
from ..scoring import hba1c_percent
from .cases import cases_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tod.accounts.models import User

    Reader = User | AnonymousUser

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
    extra: dict[str, Any] = field(default_factory=dict)


def _bmi_expression(prefix: str = "") -> Round:
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


def pre_post(user: Reader) -> list[PrePost]:
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
    aggregates: dict[str, Aggregate] = {}
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


def _quantized(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"))


@dataclass
class MeasureChange:
    label: str
    before: Decimal | int | None
    after: Decimal | int | None
    change: Decimal | int | None


def _measure(visit: NurseVisit, key: str) -> Decimal | int | None:
    value: Decimal | int | None = visit.bmi if key == "bmi" else getattr(visit, key)
    return value


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
