"""Which pairs are the evaluation's cases, for every report and export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from logbooks.models import Pair, PairStatus

from ..queries import evaluation_consent_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tod.accounts.models import User

    Reader = User | AnonymousUser

STARTED = (PairStatus.ACTIVE, PairStatus.PAUSED, PairStatus.COMPLETED, PairStatus.ENDED)


def cases_for(user: Reader) -> QuerySet[Pair]:
    """The cases (pairs that started) the user may evaluate: their sites, both consented."""
    return (
        Pair.objects.for_user(user)
        .filter(status__in=STARTED)
        .filter(evaluation_consent_q("peer__"), evaluation_consent_q("supporter__"))
        .order_by("started_on", "id")
    )
