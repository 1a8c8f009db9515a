"""The outcomes per case: their summary and the pattern of each case."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from logbooks.models import Pair

from ..models import Outcome
from ..models.choices import Influence, OutcomeKind, OutcomeResult
from ..pseudonyms import case_pseudonym, participant_pseudonym
from ..queries import routine_data_consent_q
from .cases import STARTED, cases_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tod.accounts.models import User

    Reader = User | AnonymousUser


def outcome_summary(user: Reader, *, total: int | None = None) -> list[dict[str, Any]]:
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


def outcome_pattern_rows(pairs: Iterable[Pair]) -> list[dict[str, Any]]:
    """One row per case of a page: outcomes by kind, hindering and facilitating contexts.
    `pairs` must prefetch outcomes and contexts (see `outcome_pattern_queryset`)."""
    rows = []
    for pair in pairs:
        outcomes = {o.kind: o for o in pair.outcomes.all()}
        # The first supporter, then each substitute who took over (consented ones only).
        supporters = [pair.supporter_id]
        supporters += [p.supporter_id for p in getattr(pair, "substitutes", [])]
        rows.append(
            {
                "pair": pair,
                "case": case_pseudonym(pair.pk),
                "supporters": [
                    participant_pseudonym(pk, "supporter") for pk in dict.fromkeys(supporters)
                ],
                "outcomes": [outcomes.get(kind) for kind in OutcomeKind.values],
                "hindering": [c for c in pair.contexts.all() if c.influence == Influence.HINDERING],
                "facilitating": [
                    c for c in pair.contexts.all() if c.influence == Influence.FACILITATING
                ],
            }
        )
    return rows


def outcome_pattern_queryset(user: Reader) -> QuerySet[Pair]:
    """The cases with their outcomes, contexts and substitute supporters prefetched."""
    substitutes = (
        Pair.objects.filter(status__in=STARTED)
        .filter(routine_data_consent_q("supporter__"))
        .order_by("created_at", "id")
        .only("id", "root_pair_id", "supporter_id")
    )
    return cases_for(user).prefetch_related(
        "outcomes",
        "contexts",
        Prefetch("case_successors", substitutes, to_attr="substitutes"),
    )
