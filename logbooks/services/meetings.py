"""A pair's meetings: the plan's usual day and place, moving, adding and recording meetings."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..models import CancelReason, Meeting, MeetingPlan, MeetingStatus, Pair
from .reminders import _pair_meetings, _sync_all, local_datetime, meeting_reminders_sync


@transaction.atomic
def pair_plan_update(
    *, plan: MeetingPlan, by, weekday: int, time: dt.time, place: str, peer_sms_reminders: bool
) -> MeetingPlan:
    """Change the pair's usual weekday/time/place: future planned meetings of the plan follow
    what changed. Saved unchanged, nothing moves: a meeting moved on its own stays where it is
    (before, saving the plan's page moved it back to the plan)."""
    new_time = (weekday, time) != (plan.weekday, plan.time)
    new_place = place != plan.place
    plan.weekday, plan.time, plan.place = weekday, time, place
    plan.peer_sms_reminders = peer_sms_reminders
    plan.save(update_fields=["weekday", "time", "place", "peer_sms_reminders"])
    now = timezone.now()
    for meeting in plan.pair.meetings.filter(
        status=MeetingStatus.PLANNED, planned_at__gte=now, sequence__isnull=False
    ):
        day = timezone.localtime(meeting.planned_at).date()
        day += dt.timedelta(days=weekday - day.weekday())
        planned_at = local_datetime(day, time) if new_time else meeting.planned_at
        where = place if new_place else meeting.place
        if (planned_at, where) != (meeting.planned_at, meeting.place):
            if planned_at != meeting.planned_at:
                meeting.moved_from = meeting.moved_from or meeting.planned_at
            meeting.planned_at, meeting.place = planned_at, where
            meeting.save(update_fields=["planned_at", "place", "moved_from"])
    _sync_all(_pair_meetings(plan.pair))
    return plan


# --- Meetings -------------------------------------------------------------------------------------


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(
            "pair__supporter__user__contact_preference",
            "pair__peer",
            "pair__site",
            "pair__meeting_plan",
        )
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_move(*, meeting: Meeting, planned_at: dt.datetime, by, place: str | None = None):
    """Move a planned meeting; its reminders move with it."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValueError("only a planned meeting can be moved")
    if meeting.moved_from is None and planned_at != meeting.planned_at:
        meeting.moved_from = meeting.planned_at  # saved at the same time, it has not moved
    meeting.planned_at = planned_at
    if place is not None:
        meeting.place = place
    meeting.save(update_fields=["planned_at", "place", "moved_from"])
    meeting_reminders_sync(meeting)
    return meeting


@transaction.atomic
def meeting_add(*, pair: Pair, planned_at: dt.datetime, by, place: str = "") -> Meeting:
    """An extra meeting beyond the plan."""
    if not pair.is_running:
        raise ValueError("meetings can only be added to a running pair")
    meeting = Meeting.objects.create(pair=pair, planned_at=planned_at, place=place)
    meeting_reminders_sync(_locked(meeting))
    return meeting


def _count_cancellations(pair: Pair) -> None:
    """Cancellations in a row: the latest recorded meetings, newest first, until one was held."""
    plan = getattr(pair, "meeting_plan", None)
    if plan is None:
        return
    count = 0
    for status in (
        pair.meetings.exclude(status=MeetingStatus.PLANNED)
        .exclude(cancel_reason__in=[CancelReason.PAUSE, CancelReason.PAIR_ENDED])
        .order_by("-planned_at")
        .values_list("status", flat=True)[:10]
    ):
        if status == MeetingStatus.CANCELLED:
            count += 1
        elif status == MeetingStatus.HELD:
            break
    MeetingPlan.objects.filter(pk=plan.pk).update(consecutive_cancellations=count)


def _record(meeting: Meeting, by) -> None:
    meeting.recorded_by = by
    meeting.recorded_at = timezone.now()


@transaction.atomic
def meeting_record_held(
    *,
    meeting: Meeting,
    by,
    held_on: dt.date,
    duration_minutes: int | None = None,
    place: str = "",
    activity: str = "",
) -> Meeting:
    """The meeting took place. A held meeting expects a logbook (reminders after 2 and 7 days)."""
    meeting = _locked(meeting)
    meeting.status = MeetingStatus.HELD
    meeting.held_on = held_on
    meeting.duration_minutes = duration_minutes
    meeting.place = place or meeting.place
    meeting.activity = activity
    meeting.held_by = meeting.pair.supporter
    meeting.cancelled_by = meeting.cancel_reason = meeting.cancel_note = ""
    _record(meeting, by)
    meeting.save()
    _count_cancellations(meeting.pair)
    meeting_reminders_sync(meeting)
    return meeting


@transaction.atomic
def meeting_record_cancelled(
    *, meeting: Meeting, by, cancelled_by: str, reason: str, note: str = ""
) -> Meeting:
    """The meeting was cancelled (by the peer or the supporter, and why); reminders go too."""
    meeting = _locked(meeting)
    if hasattr(meeting, "logbook"):
        raise ValueError("a meeting with a logbook cannot be cancelled")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_by, meeting.cancel_reason, meeting.cancel_note = cancelled_by, reason, note
    meeting.held_on = None
    _record(meeting, by)
    meeting.save()
    _count_cancellations(meeting.pair)
    meeting_reminders_sync(meeting)
    return meeting


@transaction.atomic
def meeting_record_missed(*, meeting: Meeting, by, note: str = "") -> Meeting:
    """Nobody turned up and nobody cancelled."""
    meeting = _locked(meeting)
    if hasattr(meeting, "logbook"):
        raise ValueError("a meeting with a logbook cannot be missed")
    meeting.status = MeetingStatus.MISSED
    meeting.cancel_note = note
    meeting.held_on = None
    _record(meeting, by)
    meeting.save()
    _count_cancellations(meeting.pair)
    meeting_reminders_sync(meeting)
    return meeting
