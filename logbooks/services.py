"""Writes across models for pairs' meetings and logbooks.

`pair_start` and `pair_end` are the contract other apps call: matching starts a pair when its
match meeting is held; programme ends a pair when a participant withdraws.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from matching.models import Pair, PairStatus


@transaction.atomic
def pair_start(
    *,
    pair: Pair,
    match_meeting_on: dt.date,
    by,
    weekday: int | None = None,
    time: dt.time | None = None,
    place: str = "",
) -> Pair:
    """Make a pair active from its match meeting. Idempotent for an already active pair."""
    if pair.status == PairStatus.ACTIVE:
        return pair
    pair.status = PairStatus.ACTIVE
    pair.started_on = match_meeting_on
    pair.save(update_fields=["status", "started_on"])
    return pair


@transaction.atomic
def pair_end(*, pair: Pair, by, reason: str = "", completed: bool = False) -> Pair:
    """End a pair: completed after six months, or ended early with a reason. Idempotent."""
    if pair.status in (PairStatus.COMPLETED, PairStatus.ENDED):
        return pair
    pair.status = PairStatus.COMPLETED if completed else PairStatus.ENDED
    pair.ended_on = timezone.localdate()
    pair.end_reason = reason
    pair.save(update_fields=["status", "ended_on", "end_reason"])
    return pair
