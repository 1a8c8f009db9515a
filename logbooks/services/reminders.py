"""The reminders of meetings: what each meeting wants in the outbox, planned in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from programme.models import Participant
from tod.accounts.models import Role, User
from tod.outbox.models import Channel, ReminderKind
from tod.outbox.services import (
    outbox_cancel_topics,
    outbox_plan_many,
    reminder_spec,
    user_specs,
)

from ..models import (
    MEETING_INTERVAL,
    MEETINGS_IN_PLAN,
    LogbookStatus,
    Meeting,
    MeetingStatus,
    Pair,
    PairStatus,
)

LOGBOOK_REMINDER_AFTER = (dt.timedelta(days=2), dt.timedelta(days=7))
LOGBOOK_REMINDER_TIME = dt.time(10, 0)


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """`time` on `day` in Copenhagen, as an aware datetime (DST-correct)."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def plan_dates(match_meeting_on: dt.date, weekday: int) -> list[dt.date]:
    """Every second week for six months from the match meeting: 13 dates on `weekday`, the
    first in the second week after the match meeting."""
    first = match_meeting_on + dt.timedelta(days=8)
    first += dt.timedelta(days=(weekday - first.weekday()) % 7)
    return [first + k * MEETING_INTERVAL for k in range(MEETINGS_IN_PLAN)]


# --- Reminders of one meeting ---------------------------------------------------------------------


def _managers_of(site_id: int) -> list[User]:
    return list(
        User.objects.filter(role=Role.MANAGER, is_active=True, sites__id=site_id).select_related(
            "contact_preference"
        )
    )


def _without_login_specs(participant: Participant, *, key: str, **kwargs: Any) -> list[dict]:
    """A supporter without a login (the paper path) is reminded on their participant record:
    by SMS to their phone when they have one, else by e-mail, else not at all. The key names
    the channel, so planning again finds the same row."""
    if participant.phone:
        channel, suffix = Channel.SMS, "sms"
    elif participant.email:
        channel, suffix = Channel.EMAIL, "email"
    else:
        return []
    return [
        reminder_spec(
            key=f"{key}:{suffix}", channel=channel, recipient_participant=participant, **kwargs
        )
    ]


def _meeting_specs(meeting: Meeting, now: dt.datetime) -> list[dict]:
    """The reminders a meeting wants in its current state."""
    pair = meeting.pair
    supporter_user = pair.supporter.user
    topic = f"meeting:{meeting.pk}"
    specs: list[dict] = []
    running = pair.status == PairStatus.ACTIVE
    if running and meeting.status == MeetingStatus.PLANNED and meeting.planned_at > now:
        local = timezone.localtime(meeting.planned_at)
        stamp = local.strftime("%Y%m%dT%H%M")
        due = local_datetime(local.date() - dt.timedelta(days=1), local.time())
        context = {"when": meeting.planned_at.isoformat(), "place": meeting.place}
        if supporter_user is not None:
            specs += user_specs(
                key=f"{topic}:{stamp}:user{supporter_user.pk}",
                user=supporter_user,
                kind=ReminderKind.MEETING,
                due_at=due,
                context={**context, "url": reverse("logbooks:pair_detail", args=[pair.pk])},
                site=pair.site,
                topic=topic,
            )
        else:
            specs += _without_login_specs(
                pair.supporter,
                key=f"{topic}:{stamp}:supporter",
                kind=ReminderKind.MEETING,
                due_at=due,
                context=context,
                site=pair.site,
                topic=topic,
            )
        plan = getattr(pair, "meeting_plan", None)
        if plan is not None and plan.peer_sms_reminders and pair.peer.phone:
            specs.append(
                reminder_spec(
                    key=f"{topic}:{stamp}:peer:sms",
                    kind=ReminderKind.MEETING,
                    channel=Channel.SMS,
                    recipient_participant=pair.peer,
                    due_at=due,
                    context=context,
                    site=pair.site,
                    topic=topic,
                )
            )
    logbook = getattr(meeting, "logbook", None)
    logbook_done = logbook is not None and logbook.status != LogbookStatus.DRAFT
    expects_logbook = meeting.status == MeetingStatus.HELD or (
        running and meeting.status == MeetingStatus.PLANNED
    )
    if expects_logbook and not logbook_done:
        day = meeting.meeting_date()
        for number, after in enumerate(LOGBOOK_REMINDER_AFTER, start=1):
            key = f"{topic}:{day:%Y%m%d}:logbook{number}"
            due = local_datetime(day + after, LOGBOOK_REMINDER_TIME)
            if supporter_user is not None:
                specs += user_specs(
                    key=f"{key}:user{supporter_user.pk}",
                    user=supporter_user,
                    kind=ReminderKind.LOGBOOK,
                    due_at=due,
                    context={
                        "when": day.isoformat(),
                        "url": reverse("logbooks:logbook_edit", args=[meeting.pk]),
                    },
                    site=pair.site,
                    topic=topic,
                )
            else:
                # No login, so no form to fill in: the text asks them to hand the paper
                # logbook to the manager or call them (the manager enters it, logbook_paper).
                specs += _without_login_specs(
                    pair.supporter,
                    key=f"{key}:supporter",
                    kind=ReminderKind.PAPER_LOGBOOK,
                    due_at=due,
                    context={"when": day.isoformat()},
                    site=pair.site,
                    topic=topic,
                )
    return specs


def meetings_reminders_sync(meetings: Iterable[Meeting]) -> None:
    """Make the meetings' pending reminders match their state and cancel the ones no longer
    wanted, in a few queries whatever the number of meetings.

    Keys carry the planned time and the recipient, so a moved meeting (or a new supporter) gets
    fresh reminders even when the old ones were already sent. Idempotent.
    """
    meetings = list(meetings)
    if not meetings:
        return
    now = timezone.now()
    specs = [spec for meeting in meetings for spec in _meeting_specs(meeting, now)]
    wanted = outbox_plan_many(specs)
    outbox_cancel_topics(
        topics=[f"meeting:{meeting.pk}" for meeting in meetings],
        reason="no longer wanted",
        exclude_keys=wanted,
    )


def meeting_reminders_sync(meeting: Meeting) -> None:
    meetings_reminders_sync([meeting])


def _sync_all(meetings: Iterable[Meeting]) -> None:
    meetings_reminders_sync(meetings)


def _pair_meetings(pair: Pair) -> QuerySet[Meeting]:
    return pair.meetings.select_related(
        "pair__supporter__user__contact_preference",
        "pair__peer",
        "pair__site",
        "pair__meeting_plan",
        "logbook",
    )
