"""The logbooks' mechanism items across the cases: per round their distribution at the first,
middle and last logbook of each case, and the Spearman correlation of each item's mean per case
with engagement (meetings held), beside the similarity index's.

The items themselves are read by logbooks.mechanisms (one query for every case)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils.translation import gettext as _
from scipy import stats

from logbooks.mechanisms import (
    ROLE_ITEM,
    MeetingItems,
    item_labels,
    mechanism_series,
)
from logbooks.models import RolePerception

from .cases import cases_for
from .similarity import engagement_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tod.accounts.models import User

    Reader = User | AnonymousUser

POSITIONS = ("first", "middle", "last")
# Fewer cases than this and no correlation is computed (Spearman's rho of two points is ±1).
SPEARMAN_MIN_CASES = 3


def cases_with_items(user: Reader) -> tuple[list[dict[str, Any]], dict[int, list[MeetingItems]]]:
    """The user's cases (id, round) and each case's answered logbooks in meeting order. Two
    queries."""
    cases: list[dict[str, Any]] = [
        dict(row) for row in cases_for(user).values("id", "round_id", "round__name")
    ]
    series: dict[int, list[MeetingItems]] = defaultdict(list)
    for meeting in mechanism_series(c["id"] for c in cases):
        if meeting.answered:
            series[meeting.pair_id].append(meeting)
    return cases, series


def pick(meetings: list[MeetingItems]) -> dict[str, MeetingItems]:
    """The case's first, middle (the lower middle of an even count) and last logbook."""
    return {
        "first": meetings[0],
        "middle": meetings[(len(meetings) - 1) // 2],
        "last": meetings[-1],
    }


@dataclass
class Spread:
    n: int = 0
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    # the role view: (label, count) per answer
    roles: list[tuple[str, int]] = field(default_factory=list)


def _spread(values: list[Any], item: str) -> Spread:
    if item == ROLE_ITEM:
        return Spread(
            n=len(values),
            roles=[(str(role.label), values.count(role.value)) for role in RolePerception],
        )
    if not values:
        return Spread()
    q1, median, q3 = (float(v) for v in np.percentile(values, [25, 50, 75]))
    return Spread(n=len(values), median=median, q1=q1, q3=q3)


def mechanisms_by_round(
    cases: list[dict[str, Any]], series: dict[int, list[MeetingItems]]
) -> list[dict[str, Any]]:
    """Per round: per item, the spread at the cases' first, middle and last logbook."""
    labels = item_labels()
    rounds: dict[int | None, dict[str, Any]] = {}
    for case in cases:
        meetings = series.get(case["id"])
        entry = rounds.setdefault(
            case["round_id"],
            {
                "round": case["round__name"] or _("No round"),
                "cases": 0,
                "values": defaultdict(list),
            },
        )
        if not meetings:
            continue
        entry["cases"] += 1
        for position, meeting in pick(meetings).items():
            for item, value in meeting.values():
                entry["values"][(item, position)].append(value)
    result = []
    for entry in rounds.values():
        result.append(
            {
                "round": entry["round"],
                "cases": entry["cases"],
                "items": [
                    {
                        "label": label,
                        "role": item == ROLE_ITEM,
                        "spreads": [
                            _spread(entry["values"].get((item, position), []), item)
                            for position in POSITIONS
                        ],
                    }
                    for item, label in labels.items()
                ],
            }
        )
    return sorted(result, key=lambda r: str(r["round"]))


@dataclass
class Correlation:
    label: str
    n: int
    rho: float | None = None
    p: float | None = None


def spearman(xs: list[float], ys: list[float], label: str) -> Correlation:
    """Spearman's rho and its p, or none when there are too few cases or one side is constant."""
    if len(xs) < SPEARMAN_MIN_CASES or len(set(xs)) < 2 or len(set(ys)) < 2:
        return Correlation(label=label, n=len(xs))
    result = stats.spearmanr(xs, ys)
    rho, p = float(result.statistic), float(result.pvalue)
    if math.isnan(rho):
        return Correlation(label=label, n=len(xs))
    return Correlation(label=label, n=len(xs), rho=rho, p=p)


def engagement_correlations(
    user: Reader, series: dict[int, list[MeetingItems]]
) -> list[Correlation]:
    """Spearman correlations with meetings held: the similarity index first, then each item's
    mean over the case's logbooks (the role view as 1 befriender … 3 diabetes support person).
    Four queries (reports.engagement_rows)."""
    rows = [r for r in engagement_rows(user) if r["meetings"] is not None]
    result = [
        spearman(
            [r["similarities"] for r in rows],
            [r["meetings"] for r in rows],
            _("Sociodemographic similarities"),
        )
    ]
    for item, label in item_labels().items():
        xs, ys = [], []
        for row in rows:
            values = [v for m in series.get(row["id"], []) if (v := m.number_of(item)) is not None]
            if values:
                xs.append(sum(values) / len(values))
                ys.append(row["meetings"])
        result.append(spearman(xs, ys, _("%(item)s (mean)") % {"item": label}))
    return result
