"""What logbooks, the pairs' home, tells the layers below it: registered in
`LogbooksConfig.ready()` so that programme and matching read pairs without importing them
(ADR 0007, ADR 0009)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from programme.models import Participant
from programme.queries import Event

from .models import OPEN_STATUSES, Pair, PairStatus

# Pairs whose peer leaves the matching pool for good (open, or completed the six months).
HOLDING_STATUSES = (*OPEN_STATUSES, PairStatus.COMPLETED)
# Earlier pairs that exclude the same pairing from now on.
EXCLUDING_STATUSES = (PairStatus.ENDED, PairStatus.REFUSED)
# Pairs agreed by both, whatever came after: the funnel's "matched" stage.
MATCHED_STATUSES = (
    PairStatus.AGREED,
    PairStatus.ACTIVE,
    PairStatus.PAUSED,
    PairStatus.COMPLETED,
    PairStatus.ENDED,
)


class PairOccupancy:
    """matching.occupancy's questions, answered from Pair (see matching/occupancy.py)."""

    def holding_peer(self, person) -> QuerySet:
        return Pair.objects.filter(peer=person, status__in=HOLDING_STATUSES)

    def open_for_peer(self, person) -> QuerySet:
        return Pair.objects.open().filter(peer=person)

    def open_for_supporter(self, person) -> QuerySet:
        return Pair.objects.open().filter(supporter=person)

    def excluded_pairings(self, peer_ids: list[int]) -> QuerySet:
        return (
            Pair.objects.filter(peer_id__in=peer_ids, status__in=EXCLUDING_STATUSES)
            .order_by("created_at", "pk")
            .values(
                "peer_id",
                "supporter_id",
                reason=Coalesce(
                    NullIf(F("end_reason"), Value("")),
                    F("refusal_reason"),
                    output_field=TextField(),
                ),
            )
        )

    def pairs_of_peer(self, person) -> QuerySet:
        return Pair.objects.filter(peer=person).select_related("supporter").order_by("created_at")

    def awaiting(self) -> dict[str, QuerySet]:
        return {
            "proposed": Pair.objects.filter(status=PairStatus.PROPOSED),
            "agreed": Pair.objects.filter(status=PairStatus.AGREED),
        }


def matched_pairs(me) -> QuerySet:
    return Pair.objects.filter(Q(peer=me) | Q(supporter=me), status__in=MATCHED_STATUSES)


def pair_events(participant: Participant) -> Iterator[Event]:
    """The participant's pairs on their page's timeline (one query)."""
    pairs = Pair.objects.filter(Q(peer=participant) | Q(supporter=participant)).select_related(
        "peer", "supporter"
    )
    for pair in pairs:
        yield Event(
            pair.created_at,
            _("Pair %(pair)s: %(status)s") % {"pair": pair, "status": pair.get_status_display()},
            pair.end_reason,
            "pair",
        )
