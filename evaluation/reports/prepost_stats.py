"""Pre/post as an evaluator reads it: per measure each peer's before and after, the mean change
with its 95 % confidence interval, the Wilcoxon signed-rank test and n, the missing visits
counted, and the shares crossing the WHO-5 and PAID-5 thresholds.

Two queries whatever the number of cases: the cases' peers, then their visits' measures. The
statistics are computed in Python (scipy), over the peers with both values only (paired)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from scipy import stats

from ..models import NurseVisit
from ..models.choices import VisitKind
from ..pseudonyms import participant_pseudonym
from ..scoring import (
    PAID5_DISTRESS_AT_OR_ABOVE,
    WHO5_LIKELY_DEPRESSION_AT_OR_BELOW,
    WHO5_POOR_WELLBEING_AT_OR_BELOW,
    bmi,
)
from .cases import cases_for
from .prepost import MEASURES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tod.accounts.models import User

    Reader = User | AnonymousUser

# Fewer pairs than this and the signed-rank test is not run: with five pairs its smallest
# two-sided p is 0.0625, so it could never show a change.
WILCOXON_MIN_PAIRS = 6

# (measure, label, crosses(value) -> bool): the questionnaires' published cut-offs.
THRESHOLDS: list[tuple[str, Any, Any]] = [
    (
        "who5_score",
        _("WHO-5 50 or less: poor well-being"),
        lambda v: v <= WHO5_POOR_WELLBEING_AT_OR_BELOW,
    ),
    (
        "who5_score",
        _("WHO-5 28 or less: likely depression"),
        lambda v: v <= WHO5_LIKELY_DEPRESSION_AT_OR_BELOW,
    ),
    (
        "paid5_score",
        _("PAID-5 8 or more: possible diabetes distress"),
        lambda v: v >= PAID5_DISTRESS_AT_OR_ABOVE,
    ),
]


@dataclass
class Share:
    """How many of the paired peers cross a threshold before and after."""

    label: str
    n: int
    before: int
    after: int

    @property
    def before_percent(self) -> float | None:
        return 100 * self.before / self.n if self.n else None

    @property
    def after_percent(self) -> float | None:
        return 100 * self.after / self.n if self.n else None


@dataclass
class Paired:
    """One measure over the peers: the pairs, the missing values and the statistics."""

    key: str
    label: str
    peers: int = 0
    # (peer pseudonym, before, after) for each peer measured at both visits
    pairs: list[tuple[str, float, float]] = field(default_factory=list)
    missing_before: int = 0  # measured after, not before (no pre-visit, or not measured then)
    missing_after: int = 0  # measured before, not after
    missing_both: int = 0
    mean_before: float | None = None
    mean_after: float | None = None
    mean_change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    wilcoxon_p: float | None = None
    # Why the test was not run: "too_few" (fewer than WILCOXON_MIN_PAIRS) or "no_change".
    test_skipped: str = ""
    shares: list[Share] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.pairs)

    @property
    def rows(self) -> list[tuple[str, float, float, float]]:
        """(peer, before, after, change) for the table beside the paired plot."""
        return [(peer, before, after, after - before) for peer, before, after in self.pairs]


def mean_change_ci(changes: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """The mean of the paired changes and its t-based confidence interval (mean ± t·s/√n)."""
    n = len(changes)
    mean = sum(changes) / n
    if n < 2:
        return mean, math.nan, math.nan
    sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / (n - 1))
    half = float(stats.t.ppf((1 + level) / 2, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def wilcoxon_p(changes: list[float]) -> tuple[float | None, str]:
    """The two-sided Wilcoxon signed-rank p of the changes, or None with the reason it was not
    run: too few pairs, or no peer changed (the test ranks the non-zero changes only)."""
    if len(changes) < WILCOXON_MIN_PAIRS:
        return None, "too_few"
    if all(c == 0 for c in changes):
        return None, "no_change"
    return float(stats.wilcoxon(changes).pvalue), ""


def _values(row: dict[str, Any], key: str) -> float | None:
    if key == "bmi":
        value: Decimal | int | None = bmi(row["weight_kg"], row["height_cm"])
    else:
        value = row[key]
    return None if value is None else float(value)


def paired_measures(user: Reader) -> tuple[list[Paired], dict[str, int]]:
    """Per measure of the pre/post report, the paired statistics over the user's cases' peers;
    and the visits missing: the peers, those without a pre-visit, without a post-visit, without
    either."""
    peer_ids = sorted(set(cases_for(user).values_list("peer_id", flat=True)))
    names = {key for key, _label in MEASURES if key != "bmi"} | {"weight_kg", "height_cm"}
    visits: dict[tuple[int, str], dict[str, Any]] = {
        (row["peer_id"], row["kind"]): row
        for row in NurseVisit.objects.filter(peer_id__in=peer_ids)
        .order_by()
        .values("peer_id", "kind", *sorted(names))
    }
    result = []
    for key, label in MEASURES:
        item = Paired(key=key, label=str(label), peers=len(peer_ids))
        for peer_id in peer_ids:
            pre = visits.get((peer_id, VisitKind.PRE))
            post = visits.get((peer_id, VisitKind.POST))
            before = _values(pre, key) if pre else None
            after = _values(post, key) if post else None
            if before is not None and after is not None:
                item.pairs.append((participant_pseudonym(peer_id), before, after))
            elif before is not None:
                item.missing_after += 1
            elif after is not None:
                item.missing_before += 1
            else:
                item.missing_both += 1
        _statistics(item)
        result.append(item)
    kinds = {(peer_id, kind) for peer_id, kind in visits}
    missing = {
        "peers": len(peer_ids),
        "no_pre": sum(1 for p in peer_ids if (p, VisitKind.PRE) not in kinds),
        "no_post": sum(1 for p in peer_ids if (p, VisitKind.POST) not in kinds),
        "neither": sum(
            1
            for p in peer_ids
            if (p, VisitKind.PRE) not in kinds and (p, VisitKind.POST) not in kinds
        ),
    }
    return result, missing


def _statistics(item: Paired) -> None:
    if not item.pairs:
        item.test_skipped = "too_few"
    else:
        changes = [after - before for _p, before, after in item.pairs]
        item.mean_before = sum(b for _p, b, _a in item.pairs) / item.n
        item.mean_after = sum(a for _p, _b, a in item.pairs) / item.n
        mean, low, high = mean_change_ci(changes)
        item.mean_change = mean
        if not math.isnan(low):
            item.ci_low, item.ci_high = low, high
        item.wilcoxon_p, item.test_skipped = wilcoxon_p(changes)
    for key, label, crosses in THRESHOLDS:
        if key == item.key:
            item.shares.append(
                Share(
                    label=str(label),
                    n=item.n,
                    before=sum(1 for _p, b, _a in item.pairs if crosses(b)),
                    after=sum(1 for _p, _b, a in item.pairs if crosses(a)),
                )
            )
