"""Who is held by a pair: the registry through which matching reads pairs without importing them.

Pairs live in logbooks, a layer above (ADR 0009). Matching still has to know which peers and
supporters are taken (the pool, the board, the candidate page, the dashboard), so it declares
here what it asks, and logbooks registers the answers in its `AppConfig.ready()` (ADR 0007).
Each answer is a queryset, so the pages keep their constant number of queries: the pool puts
them in `Exists()` and `Subquery()`, the board and the dashboard count them.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, QuerySet


class Occupancy(Protocol):
    """What matching asks of the app that owns pairs. `person` is a Participant, its id or an
    OuterRef to one."""

    def holding_peer(self, person: object) -> QuerySet:
        """Pairs that keep the peer out of the pool: open, or completed the programme."""
        ...

    def open_for_peer(self, person: object) -> QuerySet:
        """The peer's open pairs (proposed, agreed, active or paused)."""
        ...

    def open_for_supporter(self, person: object) -> QuerySet:
        """The supporter's open pairs: each takes one place of their survey's capacity."""
        ...

    def excluded_pairings(self, peer_ids: list[int]) -> QuerySet:
        """Earlier pairs of these peers that exclude the same pairing again (ended or
        refused), as values `peer_id`, `supporter_id`, `reason`."""
        ...

    def pairs_of_peer(self, person: object) -> QuerySet:
        """Every pair of the peer, oldest first, with its supporter (the candidate page's
        history; each has `get_status_display`, `end_reason`, `refusal_reason`, `is_open`)."""
        ...

    def awaiting(self) -> dict[str, QuerySet]:
        """Pairs the manager still works on, by stage: "proposed" (waiting for answers) and
        "agreed" (waiting for the match meeting). Site-scoped querysets (`for_user`)."""
        ...


_registered: list[Occupancy] = []


def register(occupancy: Occupancy) -> None:
    """Called once by the app that owns pairs (logbooks' AppConfig.ready)."""
    _registered[:] = [occupancy]


def occupancy() -> Occupancy:
    """The registered answers; an app that owns pairs must be installed."""
    if not _registered:
        raise ImproperlyConfigured("No app registered matching.occupancy (logbooks does).")
    return _registered[0]


__all__ = ["Occupancy", "OuterRef", "occupancy", "register"]
