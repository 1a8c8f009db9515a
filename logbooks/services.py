"""Writes across models for pairs' meetings and logbooks.

`pair_start` and `pair_end` are the contract other apps call: matching starts a pair when its
match meeting is held; programme ends a pair when a participant withdraws. Every change to a
meeting re-syncs its reminders (`meeting_reminders_sync`), so moving or cancelling a meeting
moves or cancels its reminders in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.models import Pair, PairStatus
from tod.accounts.models import Role, User
from tod.outbox.models import Channel, ReminderKind
from tod.outbox.services import (
    outbox_cancel_topics,
    outbox_plan_for_user,
    outbox_plan_many,
    reminder_spec,
    user_specs,
)

from .models import (
    DEFAULT_MEETING_TIME,
    LOGBOOK_ANSWER_FIELDS,
    MEETING_INTERVAL,
    MEETINGS_IN_PLAN,
    CalendarFeed,
    CancelledBy,
    CancelReason,
    Logbook,
    LogbookComment,
    LogbookStatus,
    LogbookVersion,
    Meeting,
    MeetingPlan,
    MeetingStatus,
    Pause,
)

logger = logging.getLogger(__name__)

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
    if expects_logbook and not logbook_done and supporter_user is not None:
        day = meeting.meeting_date()
        url = reverse("logbooks:logbook_edit", args=[meeting.pk])
        for number, after in enumerate(LOGBOOK_REMINDER_AFTER, start=1):
            specs += user_specs(
                key=f"{topic}:{day:%Y%m%d}:logbook{number}:user{supporter_user.pk}",
                user=supporter_user,
                kind=ReminderKind.LOGBOOK,
                due_at=local_datetime(day + after, LOGBOOK_REMINDER_TIME),
                context={"when": day.isoformat(), "url": url},
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


def _pair_meetings(pair: Pair):
    return pair.meetings.select_related(
        "pair__supporter__user__contact_preference",
        "pair__peer",
        "pair__site",
        "pair__meeting_plan",
        "logbook",
    )


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
    _sync_all(_pair_meetings(pair))
    logger.info("pair %s started by %s", pair.pk, getattr(by, "pk", None))
    return pair


@transaction.atomic
def pair_end(*, pair: Pair, by, reason: str = "", completed: bool = False) -> Pair:
    """End a pair: completed after six months, or ended early with a reason. Future planned
    meetings are cancelled with their reminders. Idempotent."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if pair.status in (PairStatus.COMPLETED, PairStatus.ENDED):
        return pair
    pair.status = PairStatus.COMPLETED if completed else PairStatus.ENDED
    pair.ended_on = timezone.localdate()
    pair.end_reason = reason
    pair.save(update_fields=["status", "ended_on", "end_reason"])
    Pause.objects.filter(pair=pair, ends_on__isnull=True).update(ends_on=pair.ended_on)
    now = timezone.now()
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
def pair_supporter_changed(*, pair: Pair, by) -> Pair:
    """A substitute supporter took over the pair (matching's substitution calls this): the plan
    and meetings stay with the pair; pending reminders move to the new supporter."""
    meetings = list(_pair_meetings(pair))
    outbox_cancel_topics(
        topics=[f"meeting:{meeting.pk}" for meeting in meetings], reason="supporter changed"
    )
    meetings_reminders_sync(meetings)
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
    """Change the pair's usual weekday/time/place: future planned meetings of the plan follow."""
    plan.weekday, plan.time, plan.place = weekday, time, place
    plan.peer_sms_reminders = peer_sms_reminders
    plan.save(update_fields=["weekday", "time", "place", "peer_sms_reminders"])
    now = timezone.now()
    for meeting in plan.pair.meetings.filter(
        status=MeetingStatus.PLANNED, planned_at__gte=now, sequence__isnull=False
    ):
        day = timezone.localtime(meeting.planned_at).date()
        day += dt.timedelta(days=weekday - day.weekday())
        new = local_datetime(day, time)
        if new != meeting.planned_at or meeting.place != place:
            meeting.moved_from = meeting.moved_from or meeting.planned_at
            meeting.planned_at, meeting.place = new, place
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
    if meeting.moved_from is None:
        meeting.moved_from = meeting.planned_at
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


# --- Logbooks -------------------------------------------------------------------------------------


def _apply_answers(logbook: Logbook, answers: dict) -> None:
    for name in LOGBOOK_ANSWER_FIELDS:
        if name in answers:
            setattr(logbook, name, answers[name])
    if not logbook.needs_support:
        logbook.support_with = ""


@transaction.atomic
def logbook_save(*, meeting: Meeting, by, answers: dict, submit: bool = False) -> Logbook:
    """Save the supporter's logbook for a meeting: a draft, or submitted.

    Submitting records the meeting as held (date, duration, place, activity from the answers)
    if it was not yet, cancels the logbook reminders and, when the supporter asks for support,
    alerts the site's managers at once and suggests a supervision topic. The author may edit
    until the manager has reviewed it; a change after that keeps the previous version and puts
    the logbook back for review.
    """
    meeting = _locked(meeting)
    logbook = Logbook.objects.select_for_update().filter(meeting=meeting).first()
    if logbook is None:
        logbook = Logbook(meeting=meeting, author=by)
    elif logbook.author_id != by.pk:
        raise PermissionError("only the author edits a logbook")
    was_support_open = logbook.pk is not None and logbook.support_open
    now = timezone.now()
    if logbook.status == LogbookStatus.REVIEWED and logbook.answers() != {
        **logbook.answers(),
        **{k: v for k, v in answers.items() if k in LOGBOOK_ANSWER_FIELDS},
    }:
        LogbookVersion.objects.create(
            logbook=logbook,
            version=logbook.version,
            answers=logbook.answers(),
            reviewed_at=logbook.reviewed_at,
        )
        logbook.version += 1
        logbook.status = LogbookStatus.SUBMITTED
        logbook.reviewed_at = None
        logbook.reviewed_by = None
    _apply_answers(logbook, answers)
    if submit and logbook.status == LogbookStatus.DRAFT:
        logbook.status = LogbookStatus.SUBMITTED
        logbook.submitted_at = now
    elif logbook.status == LogbookStatus.DRAFT:
        logbook.draft_saved_at = now
    logbook.save()
    if submit and meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.held_on = meeting.held_on or min(
            timezone.localtime(meeting.planned_at).date(), timezone.localdate()
        )
        meeting.held_by = meeting.pair.supporter
        _record(meeting, by)
    if logbook.status != LogbookStatus.DRAFT and meeting.status == MeetingStatus.HELD:
        meeting.duration_minutes = logbook.duration_minutes or meeting.duration_minutes
        meeting.place = logbook.place or meeting.place
        meeting.activity = (logbook.activities or meeting.activity)[:200]
        meeting.save()
        _count_cancellations(meeting.pair)
    meeting.logbook = logbook
    meeting_reminders_sync(meeting)
    if logbook.support_open and not was_support_open:
        _support_requested(logbook, by)
    return logbook


def _support_requested(logbook: Logbook, by) -> None:
    """Alert the site's managers now (the next sweep, within a minute) and suggest the request
    as a supervision topic."""
    pair = logbook.meeting.pair
    url = reverse("logbooks:logbook_detail", args=[logbook.pk])
    now = timezone.now()
    outbox_plan_many(
        spec
        for manager in _managers_of(pair.site_id)
        for spec in user_specs(
            key=f"support:{logbook.pk}:v{logbook.version}:{manager.pk}",
            user=manager,
            kind=ReminderKind.SUPPORT_REQUEST,
            due_at=now,
            context={"url": url},
            site=pair.site,
            topic=f"logbook:{logbook.pk}",
        )
    )
    suggest_supervision_topic_from_logbook(logbook, by=by)


def suggest_supervision_topic_from_logbook(logbook: Logbook, *, by) -> bool:
    """Call site for the programme app's supervision topics: a support request becomes a
    suggested topic. Returns False while programme.services.supervision_topic_suggest does not
    exist yet."""
    try:
        from programme.services import supervision_topic_suggest
    except ImportError:
        return False
    pair = logbook.meeting.pair
    supervision_topic_suggest(
        site=pair.site,
        text=logbook.support_with or logbook.challenges,
        source_label=f"logbook:{logbook.pk}",
        by=by,
    )
    return True


@transaction.atomic
def logbook_comment_add(*, logbook: Logbook, by, text: str) -> LogbookComment:
    """The manager comments on a logbook; the supporter sees it on the logbook."""
    return LogbookComment.objects.create(logbook=logbook, author=by, text=text)


@transaction.atomic
def logbook_review(*, logbook: Logbook, by) -> Logbook:
    """The manager has read the logbook; from now on a change keeps the previous version."""
    logbook = Logbook.objects.select_for_update().get(pk=logbook.pk)
    if logbook.status == LogbookStatus.DRAFT:
        raise ValueError("a draft cannot be reviewed")
    logbook.status = LogbookStatus.REVIEWED
    logbook.reviewed_at = timezone.now()
    logbook.reviewed_by = by
    logbook.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    return logbook


@transaction.atomic
def logbook_support_handle(*, logbook: Logbook, by) -> Logbook:
    """The manager has dealt with the support request."""
    logbook = Logbook.objects.select_for_update().get(pk=logbook.pk)
    if logbook.support_handled_at is None:
        logbook.support_handled_at = timezone.now()
        logbook.support_handled_by = by
        logbook.save(update_fields=["support_handled_at", "support_handled_by"])
    return logbook


# --- Periodic work --------------------------------------------------------------------------------


def pairs_alert_at_risk(*, today: dt.date | None = None) -> int:
    """Alert each site's managers about pairs at risk, once per episode (the key names the
    episode: the last held meeting, the cancelled meeting, the overdue meeting). Idempotent."""
    from .queries import pairs_at_risk, risk_reasons

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
