"""The meeting plan: 13 meetings every second week, DST-correct, pauses, moves and ends."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from logbooks import services
from logbooks.models import CancelReason, Meeting, MeetingPlan, MeetingStatus, PairStatus, Pause
from tod.outbox.models import Reminder, ReminderKind, ReminderStatus

from .conftest import MATCH_DAY, aware, make_pair

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def local(moment):
    return moment.astimezone(CPH)


def test_pair_start_plans_13_meetings_every_second_week_for_six_months(started_pair):
    meetings = list(started_pair.meetings.all())
    assert started_pair.status == PairStatus.ACTIVE
    assert started_pair.started_on == MATCH_DAY
    assert len(meetings) == 13
    days = [local(m.planned_at).date() for m in meetings]
    assert days[0] == dt.date(2026, 3, 12)  # the Thursday of the second week after the match
    assert all(b - a == dt.timedelta(days=14) for a, b in zip(days, days[1:], strict=False))
    assert all(day.weekday() == 3 for day in days)
    assert (days[-1] - MATCH_DAY).days <= 183  # within six months
    assert all(m.place == "Café" and m.status == MeetingStatus.PLANNED for m in meetings)
    assert [m.sequence for m in meetings] == list(range(1, 14))


def test_meetings_keep_their_local_time_across_summer_and_winter_time(started_pair):
    meetings = list(started_pair.meetings.all())
    assert {local(m.planned_at).time() for m in meetings} == {dt.time(10, 0)}
    offsets = {local(m.planned_at).date(): local(m.planned_at).utcoffset() for m in meetings}
    assert offsets[dt.date(2026, 3, 26)] == dt.timedelta(hours=1)  # before 29 March: CET
    assert offsets[dt.date(2026, 4, 9)] == dt.timedelta(hours=2)  # after: CEST
    # and in UTC the meeting moved an hour earlier, as it must
    utc = {local(m.planned_at).date(): m.planned_at.astimezone(dt.UTC).hour for m in meetings}
    assert utc[dt.date(2026, 3, 26)] == 9 and utc[dt.date(2026, 4, 9)] == 8


def test_meeting_reminder_the_day_before_at_the_same_local_time_across_dst(started_pair):
    # The meeting on Thursday 2 April (summer time) is reminded on Wednesday 1 April at 10:00.
    meeting = started_pair.meetings.get(sequence=3)
    assert local(meeting.planned_at).date() == dt.date(2026, 4, 9)
    reminder = Reminder.objects.get(topic=f"meeting:{meeting.pk}", kind=ReminderKind.MEETING)
    assert local(reminder.due_at) == aware(2026, 4, 8, 10)


def test_plan_across_the_autumn_change(pair, manager):
    import time_machine

    with time_machine.travel(aware(2026, 10, 1, 12), tick=False):
        services.pair_start(
            pair=pair, match_meeting_on=dt.date(2026, 10, 1), by=manager, time=dt.time(18, 30)
        )
    days = {local(m.planned_at).date(): local(m.planned_at) for m in pair.meetings.all()}
    before, after = days[dt.date(2026, 10, 15)], days[dt.date(2026, 10, 29)]
    assert before.time() == after.time() == dt.time(18, 30)
    assert before.utcoffset() == dt.timedelta(hours=2) and after.utcoffset() == dt.timedelta(
        hours=1
    )


def test_pair_start_is_idempotent(started_pair, manager):
    services.pair_start(pair=started_pair, match_meeting_on=MATCH_DAY, by=manager)
    assert started_pair.meetings.count() == 13
    assert MeetingPlan.objects.count() == 1
    assert Reminder.objects.filter(kind=ReminderKind.MEETING).count() == 13


def test_moving_a_meeting_moves_its_reminder(started_pair, supporter):
    meeting = started_pair.meetings.get(sequence=2)
    services.meeting_move(meeting=meeting, planned_at=aware(2026, 3, 27, 14), by=supporter)
    reminders = Reminder.objects.filter(topic=f"meeting:{meeting.pk}", kind=ReminderKind.MEETING)
    pending = reminders.filter(status=ReminderStatus.QUEUED).get()
    assert local(pending.due_at) == aware(2026, 3, 26, 14)
    assert reminders.filter(status=ReminderStatus.CANCELLED).count() == 1
    meeting.refresh_from_db()
    assert local(meeting.moved_from).date() == dt.date(2026, 3, 26)


def test_saving_a_meeting_at_its_own_time_is_not_a_move(started_pair, supporter):
    """Found by the round-trip test: "Move", saved unchanged, showed "moved from" its own time."""
    meeting = started_pair.meetings.get(sequence=2)
    services.meeting_move(
        meeting=meeting, planned_at=meeting.planned_at, place="Café", by=supporter
    )
    meeting.refresh_from_db()
    assert meeting.moved_from is None


def test_cancelling_a_meeting_cancels_its_reminders(started_pair, supporter):
    meeting = started_pair.meetings.get(sequence=1)
    services.meeting_record_cancelled(
        meeting=meeting,
        by=supporter,
        cancelled_by="supporter",
        reason=CancelReason.SUPPORTER_HEALTH,
    )
    assert not Reminder.objects.pending().filter(topic=f"meeting:{meeting.pk}").exists()
    meeting.refresh_from_db()
    assert meeting.cancel_reason == CancelReason.SUPPORTER_HEALTH


def test_an_extra_meeting_gets_its_reminder(started_pair, supporter):
    extra = services.meeting_add(
        pair=started_pair, planned_at=aware(2026, 3, 20, 15), place="Park", by=supporter
    )
    assert extra.is_extra
    assert Reminder.objects.pending().filter(topic=f"meeting:{extra.pk}", kind="meeting").exists()


def test_pause_and_resume_shift_the_rest_of_the_plan(started_pair, manager, frozen):
    frozen.move_to(aware(2026, 3, 20, 9))
    services.pair_pause(pair=started_pair, by=manager, reason="Hospital stay")
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.PAUSED
    # while paused, no meeting reminder waits
    assert not Reminder.objects.pending().filter(kind=ReminderKind.MEETING).exists()
    frozen.move_to(aware(2026, 4, 1, 9))
    services.pair_resume(pair=started_pair, by=manager)
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.ACTIVE
    days = [local(m.planned_at).date() for m in started_pair.meetings.all()]
    assert days[0] == dt.date(2026, 3, 12)  # before the pause: unchanged
    assert days[1] == dt.date(2026, 3, 26) + dt.timedelta(weeks=2)  # 12 days paused -> 2 weeks
    assert all(local(m.planned_at).time() == dt.time(10) for m in started_pair.meetings.all())
    pause = Pause.objects.get()
    assert pause.ends_on == dt.date(2026, 4, 1)
    assert Reminder.objects.pending().filter(kind=ReminderKind.MEETING).count() == 12


def test_only_an_active_pair_pauses(started_pair, manager):
    services.pair_pause(pair=started_pair, by=manager)
    with pytest.raises(ValidationError):
        services.pair_pause(pair=started_pair, by=manager)


def test_ending_early_cancels_future_meetings_and_reminders(started_pair, manager, frozen):
    frozen.move_to(aware(2026, 4, 1, 12))
    services.pair_end(pair=started_pair, by=manager, reason="Moved away")
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.ENDED
    assert started_pair.end_reason == "Moved away"
    future = started_pair.meetings.filter(planned_at__gte=timezone.now())
    assert {m.status for m in future} == {MeetingStatus.CANCELLED}
    assert {m.cancel_reason for m in future} == {CancelReason.PAIR_ENDED}
    assert not Reminder.objects.pending().filter(kind=ReminderKind.MEETING).exists()
    # idempotent
    services.pair_end(pair=started_pair, by=manager, reason="again")
    started_pair.refresh_from_db()
    assert started_pair.end_reason == "Moved away"


def test_pairs_complete_after_their_six_months(started_pair, manager, frozen):
    for meeting in started_pair.meetings.all():
        day = local(meeting.planned_at).date()
        frozen.move_to(meeting.planned_at + dt.timedelta(hours=2))
        services.meeting_record_held(meeting=meeting, by=manager, held_on=day)
    frozen.move_to(aware(2026, 9, 2, 12))  # the last meeting was on 27 August
    assert services.pairs_complete_due() == 0  # a week's grace for a late logbook or meeting
    frozen.move_to(aware(2026, 9, 4, 12))
    assert services.pairs_complete_due() == 1
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.COMPLETED
    assert services.pairs_complete_due() == 0


def test_a_running_plan_is_not_completed_early(started_pair, frozen):
    frozen.move_to(aware(2026, 5, 1, 12))
    assert services.pairs_complete_due() == 0


def test_changing_the_usual_time_moves_future_meetings(started_pair, manager):
    plan = started_pair.meeting_plan
    services.pair_plan_update(
        plan=plan, by=manager, weekday=0, time=dt.time(14), place="Library", peer_sms_reminders=True
    )
    days = [local(m.planned_at) for m in started_pair.meetings.all()]
    assert {d.weekday() for d in days} == {0}
    assert {d.time() for d in days} == {dt.time(14)}
    # the peer now gets an SMS the day before each meeting
    assert Reminder.objects.pending().filter(channel="sms", kind="meeting").count() == 13


def test_saving_the_plan_unchanged_leaves_a_moved_meeting_where_it_is(
    started_pair, manager, supporter
):
    """Found by the round-trip test: the plan's page saved without a change moved every meeting
    moved on its own back to the plan's weekday and time."""
    moved = started_pair.meetings.get(sequence=3)
    services.meeting_move(meeting=moved, planned_at=aware(2026, 4, 10, 16), by=supporter)
    before = list(started_pair.meetings.values_list("planned_at", "place", "moved_from"))
    plan = started_pair.meeting_plan
    services.pair_plan_update(
        plan=plan,
        by=manager,
        weekday=plan.weekday,
        time=plan.time,
        place=plan.place,
        peer_sms_reminders=True,
    )
    assert list(started_pair.meetings.values_list("planned_at", "place", "moved_from")) == before
    # A new place goes to the future meetings, without moving them in time.
    services.pair_plan_update(
        plan=plan,
        by=manager,
        weekday=plan.weekday,
        time=plan.time,
        place="Biblioteket",
        peer_sms_reminders=True,
    )
    moved.refresh_from_db()
    assert (local(moved.planned_at), moved.place) == (aware(2026, 4, 10, 16), "Biblioteket")


def test_three_cancellations_in_a_row_are_counted(started_pair, supporter, frozen):
    frozen.move_to(aware(2026, 5, 1, 12))
    meetings = list(started_pair.meetings.all()[:4])
    services.meeting_record_held(meeting=meetings[0], by=supporter, held_on=dt.date(2026, 3, 12))
    for meeting in meetings[1:]:
        services.meeting_record_cancelled(
            meeting=meeting, by=supporter, cancelled_by="peer", reason=CancelReason.PEER_HEALTH
        )
    started_pair.meeting_plan.refresh_from_db()
    assert started_pair.meeting_plan.consecutive_cancellations == 3


def test_pairs_of_another_site_are_independent(started_pair, other_site, manager):
    other = make_pair(other_site)
    services.pair_start(pair=other, match_meeting_on=MATCH_DAY, by=manager)
    assert Meeting.objects.filter(pair=other).count() == 13


def test_a_substitute_supporters_pair_continues_the_remaining_plan(
    started_pair, manager, other_supporter, frozen
):
    from logbooks.models import Pair

    frozen.move_to(aware(2026, 4, 15, 12))
    held = started_pair.meetings.get(sequence=1)
    services.meeting_record_held(meeting=held, by=manager, held_on=dt.date(2026, 3, 12))
    ended = services.pair_end(pair=started_pair, by=manager, reason="Supporter ill")
    successor = Pair.objects.create(
        site=ended.site,
        peer=ended.peer,
        supporter=other_supporter.participant,
        status=PairStatus.ACTIVE,
        previous_pair=ended,
        root_pair=ended,
    )
    assert services.pairs_continue_substituted() == 1
    assert services.pairs_continue_substituted() == 0  # idempotent
    moved = successor.meetings.all()
    assert moved.count() == 10  # the meetings from 23 April on
    assert {m.status for m in moved} == {MeetingStatus.PLANNED}
    assert successor.meeting_plan.weekday == 3 and successor.meeting_plan.place == "Café"
    pending = Reminder.objects.pending().filter(kind=ReminderKind.MEETING)
    assert pending.count() == 10 and {r.recipient_user for r in pending} == {other_supporter}
    assert ended.meetings.filter(status=MeetingStatus.HELD).count() == 1  # history stays
