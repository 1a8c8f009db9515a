"""Periodic work (alerts about pairs at risk, completing pairs) and the calendar feed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tod.accounts.models import User
from tod.outbox.models import ReminderKind
from tod.outbox.services import (
    outbox_plan_for_user,
)

from ..models import (
    CalendarFeed,
    Pair,
    new_feed_token,
)
from .pairs import pair_end
from .reminders import _managers_of

# --- Periodic work --------------------------------------------------------------------------------


def pairs_alert_at_risk(*, today: dt.date | None = None) -> int:
    """Alert each site's managers about pairs at risk, once per episode (the key names the
    episode: the last held meeting, the cancelled meeting, the overdue meeting). Idempotent."""
    from ..queries import pairs_at_risk, risk_reasons

    today = today or timezone.localdate()
    now = timezone.now()
    planned = 0
    managers: dict[int, list[User]] = {}
    for pair in pairs_at_risk(Pair.objects.all(), today=today):
        if pair.site_id not in managers:
            managers[pair.site_id] = _managers_of(pair.site_id)
        for code, _label in risk_reasons(pair, today=today):
            if code == "support":
                continue  # alerted at once when the logbook was submitted
            episode = {
                "no_meeting": pair.quiet_since,
                "cancellations": pair.cancellations_in_a_row and pair.last_held_on,
                "logbook_overdue": pair.last_held_on,
            }[code]
            for manager in managers[pair.site_id]:
                with transaction.atomic():
                    outbox_plan_for_user(
                        key=f"risk:{pair.pk}:{code}:{episode}:{manager.pk}",
                        user=manager,
                        kind=ReminderKind.RISK_ALERT,
                        due_at=now,
                        context={"url": reverse("logbooks:pair_detail", args=[pair.pk])},
                        site=pair.site,
                        topic=f"pair:{pair.pk}",
                    )
                planned += 1
    return planned


def pairs_complete_due(*, today: dt.date | None = None) -> int:
    """Complete active pairs whose plan is over (the last meeting more than a week ago) once
    every meeting's outcome is recorded and at least one meeting was held. A pair with a
    missing outcome or no held meeting is not completed: it waits on the manager's dashboard
    (`queries.pairs_awaiting_outcome`). Idempotent."""
    from ..queries import pairs_due_to_complete

    today = today or timezone.localdate()
    due = pairs_due_to_complete(Pair.objects.all(), today=today)
    count = 0
    for pair in due:
        try:
            pair_end(pair=pair, by=None, completed=True, reason="")
        except ValidationError:
            continue  # an outcome was unrecorded meanwhile: it waits for the manager
        count += 1
    return count


# --- Calendar feed --------------------------------------------------------------------------------


def calendar_feed_for(user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_rotate(user: User) -> None:
    """A new secret address for a user who has a feed, none for one who has not (registered with
    tod.accounts as standing access: a password change or "log out on all devices" calls it)."""
    CalendarFeed.objects.filter(user=user).update(token=new_feed_token())


@transaction.atomic
def calendar_feed_revoke(*, user: User, by: User | None) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)
