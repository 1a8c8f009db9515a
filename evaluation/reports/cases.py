"""Which pairs are the evaluation's cases, for every report and export.

A case is the peer's course through the programme: the pair that started it and, when a
substitute supporter took over (the study: "Another case consisted of two peer supporters"),
the pairs that continued it. A case is named by its first pair (`Pair.root_pair`), so its
pseudonym stays the one it had before a substitute came; its records (outcomes, contexts,
mechanisms, configurations, interviews) hang on that first pair, and its meetings and logbooks
are those of all its pairs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from logbooks.models import Pair, PairStatus

from ..queries import routine_data_consent_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from logbooks.models.pairs import PairQuerySet
    from tod.accounts.models import User

    Reader = User | AnonymousUser

STARTED = (PairStatus.ACTIVE, PairStatus.PAUSED, PairStatus.COMPLETED, PairStatus.ENDED)


def cases_for(user: Reader) -> PairQuerySet:
    """The cases the user may evaluate, one row each (the case's first pair): started, in
    their sites, the peer and the first supporter consented."""
    roots = Pair.objects.case_roots().filter(status__in=STARTED)
    cases: PairQuerySet = (
        roots.for_user(user)  # type: ignore[assignment]  # for_user keeps the queryset's class
        .filter(routine_data_consent_q("peer__"), routine_data_consent_q("supporter__"))
        .order_by("started_on", "id")
    )
    return cases


def case_pairs(cases: PairQuerySet) -> PairQuerySet:
    """Every pair of the `cases` (first pairs, from `cases_for`) whose supporter consented,
    each annotated with `case`, the first pair's id: what meetings, logbooks and supporters
    are read from. A substitute who did not consent brings nothing of theirs into the
    evaluation. One query (or a subquery)."""
    pairs: PairQuerySet = (
        Pair.objects.of_cases(cases)
        .filter(status__in=STARTED)
        .filter(routine_data_consent_q("supporter__"))
        .order_by("created_at", "id")
    )
    return pairs
