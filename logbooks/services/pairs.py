"""A pair's lifecycle (start, pause, resume, end, continue) and its meetings."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import Pair, PairStatus
from programme.status import participant_statuses_refresh

from ..models import (
    DEFAULT_MEETING_TIME,
    CancelledBy,
    CancelReason,
    Meeting,
    MeetingPlan,
    MeetingStatus,
    Pause,
)
from .reminders import (
    _pair_meetings,
    _sync_all,
    local_datetime,
    meeting_reminders_sync,
    plan_dates,
)

logger = logging.getLogger("logbooks.services")

# --- The pair's lifecycle -------------------------------------------------------------------------


@transaction.atomic
def pair_start(
    *,
    pair: Pair,
    match_meeting_on: dt.date,
    by,
    weekday: int | None = None,
    time: dt.time | None = None,
    place: str = "",
    peer_sms_reminders: bool = False,
) -> Pair:
    """Make a pair active from its match meeting: its plan of 13 meetings, every second week at
    the weekday/time/place the pair chose, and their reminders. Idempotent: a pair that already
    has a plan keeps it."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if MeetingPlan.objects.filter(pair=pair).exists():
        return pair
    weekday = match_meeting_on.weekday() if weekday is None else weekday
    time = time or DEFAULT_MEETING_TIME
    MeetingPlan.objects.create(
        pair=pair,
        match_meeting_on=match_meeting_on,
        weekday=weekday,
        time=time,
        place=place,
        peer_sms_reminders=peer_sms_reminders,
    )
    Meeting.objects.bulk_create(
        Meeting(pair=pair, sequence=number, planned_at=local_datetime(day, time), place=place)
        for number, day in enumerate(plan_dates(match_meeting_on, weekday), start=1)
    )
    pair.status = PairStatus.ACTIVE
    pair.started_on = match_meeting_on
    pair.save(update_fields=["status", "started_on"])
    participant_statuses_refresh(participants=[pair.peer_id, pair.supporter_id])
    _sync_all(_pair_meetings(pair))
    logger.info("pair %s started by %s", pair.pk, getattr(by, "pk", None))
    return pair


@transaction.atomic
def pair_end(*, pair: Pair, by, reason: str = "", completed: bool = False) -> Pair:
    """End a pair: completed after six months, or ended early with a reason. Future planned
    meetings are cancelled with their reminders. Idempotent.

    A pair completes only with at least one held meeting and an outcome recorded for every
    meeting that was due (ValidationError otherwise): a completed pair is a case the
    evaluation reads as having run its course, so it must say what happened."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if pair.status in (PairStatus.COMPLETED, PairStatus.ENDED):
        return pair
    now = timezone.now()
    if completed:
        meetings = pair.meetings.all()
        missing = meetings.filter(status=MeetingStatus.PLANNED, planned_at__lt=now).count()
        if missing or not meetings.filter(status=MeetingStatus.HELD).exists():
            raise ValidationError(
                _(
                    "The pair cannot be completed: %(missing)s. Record the meetings' outcomes, "
                    "or end the pair early with a reason."
                )
                % {
                    "missing": ngettext(
                        "%(count)s meeting has no outcome recorded",
                        "%(count)s meetings have no outcome recorded",
                        missing,
                    )
                    % {"count": missing}
                    if missing
                    else _("no meeting was held")
                }
            )
    pair.status = PairStatus.COMPLETED if completed else PairStatus.ENDED
    pair.ended_on = timezone.localdate()
    pair.end_reason = reason
    pair.save(update_fields=["status", "ended_on", "end_reason"])
    participant_statuses_refresh(participants=[pair.peer_id, pair.supporter_id])
    Pause.objects.filter(pair=pair, ends_on__isnull=True).update(ends_on=pair.ended_on)
    future = pair.meetings.filter(status=MeetingStatus.PLANNED, planned_at__gte=now)
    future.update(
        status=MeetingStatus.CANCELLED,
        cancelled_by=CancelledBy.PROGRAMME,
        cancel_reason=CancelReason.PAIR_ENDED,
        recorded_by=by,
        recorded_at=now,
    )
    _sync_all(_pair_meetings(pair))
    return pair


def pair_complete(*, pair: Pair, by) -> Pair:
    return pair_end(pair=pair, by=by, completed=True)


@transaction.atomic
def pair_pause(*, pair: Pair, by, starts_on: dt.date | None = None, reason: str = "") -> Pause:
    """Pause an active pair (e.g. a hospital stay): meetings from `starts_on` wait, and their
    reminders are cancelled until the pair resumes."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != PairStatus.ACTIVE:
        raise ValueError("only an active pair can pause")
    pause = Pause.objects.create(
        pair=pair, starts_on=starts_on or timezone.localdate(), reason=reason, created_by=by
    )
    pair.status = PairStatus.PAUSED
    pair.save(update_fields=["status"])
    _sync_all(_pair_meetings(pair))
    return pause


@transaction.atomic
def pair_resume(*, pair: Pair, by, resumes_on: dt.date | None = None) -> Pair:
    """Resume a paused pair and shift its remaining plan by the pause, in whole weeks so the
    weekday stays; reminders follow the meetings."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    pause = Pause.objects.filter(pair=pair, ends_on__isnull=True).first()
    if pair.status != PairStatus.PAUSED or pause is None:
        raise ValueError("only a paused pair can resume")
    resumes_on = resumes_on or timezone.localdate()
    if resumes_on < pause.starts_on:
        raise ValueError("a pair cannot resume before it paused")
    weeks = -(-(resumes_on - pause.starts_on).days // 7)  # rounded up
    pause.ends_on = resumes_on
    pause.save(update_fields=["ends_on"])
    pause_start = local_datetime(pause.starts_on, dt.time(0, 0))
    if weeks:
        for meeting in pair.meetings.filter(
            status=MeetingStatus.PLANNED, planned_at__gte=pause_start
        ):
            local = timezone.localtime(meeting.planned_at)
            meeting.planned_at = local_datetime(
                local.date() + dt.timedelta(weeks=weeks), local.time()
            )
            meeting.save(update_fields=["planned_at"])
    pair.status = PairStatus.ACTIVE
    pair.save(update_fields=["status"])
    _sync_all(_pair_meetings(pair))
    return pair


@transaction.atomic
def pair_continue(*, pair: Pair, by) -> Pair:
    """A substitute supporter continues a case: matching ends the old pair (pair_end) and makes
    a successor pair with `previous_pair` set. This moves the remaining plan to the successor:
    the same usual weekday/time/place, and every future meeting of the old pair (planned, or
    cancelled only because the pair ended) becomes a planned meeting of the new one, reminded
    to the new supporter. Held meetings and their logbooks stay with the old pair (the pair
    page shows the whole case). Idempotent; the hourly task catches any successor not yet
    continued."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    previous = getattr(pair, "previous_pair", None)
    if previous is None or MeetingPlan.objects.filter(pair=pair).exists():
        return pair
    old_plan = MeetingPlan.objects.filter(pair=previous).first()
    if old_plan is None:
        return pair
    MeetingPlan.objects.create(
        pair=pair,
        match_meeting_on=old_plan.match_meeting_on,
        weekday=old_plan.weekday,
        time=old_plan.time,
        place=old_plan.place,
        peer_sms_reminders=old_plan.peer_sms_reminders,
    )
    now = timezone.now()
    remaining = previous.meetings.filter(planned_at__gte=now).filter(
        Q(status=MeetingStatus.PLANNED)
        | Q(status=MeetingStatus.CANCELLED, cancel_reason=CancelReason.PAIR_ENDED)
    )
    moved = list(remaining.values_list("pk", flat=True))
    Meeting.objects.filter(pk__in=moved).update(
        pair=pair,
        status=MeetingStatus.PLANNED,
        cancelled_by="",
        cancel_reason="",
        cancel_note="",
        recorded_by=None,
        recorded_at=None,
    )
    if pair.status == PairStatus.ACTIVE and pair.started_on is None:
        pair.started_on = previous.started_on
        pair.save(update_fields=["started_on"])
    participant_statuses_refresh(participants=[pair.peer_id, pair.supporter_id])
    _sync_all(_pair_meetings(pair))
    logger.info("pair %s continues %s with %s meetings", pair.pk, previous.pk, len(moved))
    return pair


def pairs_continue_substituted() -> int:
    """Successor pairs of a substitution that have no plan yet get the remaining plan."""
    waiting = Pair.objects.filter(
        previous_pair__isnull=False,
        meeting_plan__isnull=True,
        status__in=[PairStatus.ACTIVE, PairStatus.PAUSED],
    )
    count = 0
    for pair in waiting:
        pair_continue(pair=pair, by=None)
        count += 1
    return count


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
    if pair.status not in (PairStatus.ACTIVE, PairStatus.PAUSED):
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
