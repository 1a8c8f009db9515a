"""Which pairs are the evaluation's cases, for every report and export."""

from __future__ import annotations

from django.db.models import QuerySet

from matching.models import Pair, PairStatus

from ..queries import evaluation_consent_q

STARTED = (PairStatus.ACTIVE, PairStatus.PAUSED, PairStatus.COMPLETED, PairStatus.ENDED)


def cases_for(user) -> QuerySet[Pair]:
    """The cases (pairs that started) the user may evaluate: their sites, both consented."""
    return (
        Pair.objects.for_user(user)
        .filter(status__in=STARTED)
        .filter(evaluation_consent_q("peer__"), evaluation_consent_q("supporter__"))
        .order_by("started_on", "id")
    )
