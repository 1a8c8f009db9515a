"""A delivery receipt as the outbox records it, whichever provider sent it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DELIVERED = "delivered"
FAILED = "failed"


@dataclass(frozen=True)
class Receipt:
    """What a provider reported about one message.

    `outcome` is DELIVERED or FAILED for a final state, None for a state on the way (queued,
    en route, deferred); `status` is the provider's own word for it, `reason` its explanation of
    a failure; `reference` the outbox key the message was sent with, `provider_id` the
    provider's message id (either finds the row)."""

    status: str
    outcome: str | None
    reference: str = ""
    provider_id: str = ""
    reason: str = ""
    at: dt.datetime | None = None
