"""Periodic work (alerts about pairs at risk, completing pairs) and the calendar feed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from matching.models import Pair, PairStatus
from tod.accounts.models import User
from tod.outbox.models import ReminderKind
from tod.outbox.services import (
    outbox_plan_for_user,
)

from ..models import (
    CalendarFeed,
    MeetingStatus,
)
from .pairs import pair_end
from .reminders import _managers_of, local_datetime

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
    """Complete active pairs whose plan is over: no planned meeting left and the last meeting
    of the plan more than a week ago."""
    today = today or timezone.localdate()
    cutoff = local_datetime(today - dt.timedelta(days=7), dt.time(0, 0))
    due = (
        Pair.objects.filter(status=PairStatus.ACTIVE, meeting_plan__isnull=False)
        .exclude(meetings__status=MeetingStatus.PLANNED)
        .exclude(meetings__planned_at__gte=cutoff)
    )
    count = 0
    for pair in due:
        pair_end(pair=pair, by=None, completed=True, reason="")
        count += 1
    return count


# --- Calendar feed --------------------------------------------------------------------------------


def calendar_feed_for(user) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user, by) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)
