"""How each site sends: its quiet hours and its SMS sender (docs/operations.md).

Each municipality is its own data controller and sets these on its settings page, which the
programme app owns; the outbox must not import it. So the programme registers a provider here,
`register_site_sending(provider)`, as it registers its reminder rules: `provider(site_ids)`
answers {site_id: SiteSending} in one query. The sweep asks once per batch. A site the provider
does not answer for (or a reminder without a site) sends as the installation does by default:
OUTBOX_QUIET_HOURS and OUTBOX_SMS_SENDER.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class SiteSending:
    quiet_from: dt.time  # local time: no SMS from here ...
    quiet_to: dt.time  # ... until here (may run past midnight)
    sms_sender: str = ""


Provider = Callable[[Collection[int]], Mapping[int, SiteSending]]
_provider: Provider | None = None


def register_site_sending(provider: Provider) -> None:
    """Name the function that reads the sites' sending settings. Registering again replaces it."""
    global _provider
    _provider = provider


def installation_sending() -> SiteSending:
    start, end = getattr(settings, "OUTBOX_QUIET_HOURS", (21, 8))
    return SiteSending(
        quiet_from=dt.time(start),
        quiet_to=dt.time(end),
        sms_sender=getattr(settings, "OUTBOX_SMS_SENDER", ""),
    )


def sending_for_sites(site_ids: Collection[int]) -> dict[int | None, SiteSending]:
    """{site_id: how it sends} for every id asked (the installation's default where none is
    registered), plus None: the default, for reminders without a site."""
    default = installation_sending()
    known = dict(_provider(site_ids)) if _provider is not None and site_ids else {}
    answer: dict[int | None, SiteSending] = {
        site_id: known.get(site_id, default) for site_id in site_ids
    }
    answer[None] = default
    return answer
