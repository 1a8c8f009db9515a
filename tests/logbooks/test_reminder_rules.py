"""Every reminder rule of meetings and logbooks, with a frozen clock."""

import datetime as dt
import logging

import pytest

from logbooks import services
from logbooks.models import CancelReason
from tests.outbox.channels import logged_sms
from tod.outbox.models import ContactPreference, Reminder, ReminderKind, ReminderStatus
from tod.outbox.services import outbox_sweep

from .conftest import MATCH_DAY, aware


@pytest.fixture(autouse=True)
def _sms_log(caplog):
    caplog.set_level(logging.INFO, logger="tod.outbox")


def test_the_supporter_is_reminded_the_day_before_each_meeting(
    started_pair, supporter, frozen, mailoutbox
):
    supporter.email = "hanne@example.org"
    supporter.save()
    frozen.move_to(aware(2026, 3, 11, 9, 59))
    outbox_sweep()
    assert mailoutbox == []
    frozen.move_to(aware(2026, 3, 11, 10, 0))
    assert outbox_sweep().sent == 1
    assert mailoutbox[0].to == ["hanne@example.org"]
    assert "Café" in mailoutbox[0].body


def test_the_peer_gets_an_sms_the_day_before_only_if_they_want_it(pair, manager, caplog):
    import time_machine

    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        services.pair_start(
            pair=pair, match_meeting_on=MATCH_DAY, by=manager, weekday=3, peer_sms_reminders=True
        )
        sms = Reminder.objects.filter(channel="sms", recipient_participant=pair.peer)
        assert sms.count() == 13
        clock.move_to(aware(2026, 3, 11, 10, 0))
        outbox_sweep()
    assert logged_sms(caplog) == [("+4520202020", logged_sms(caplog)[0][1])]
    assert "Café" not in logged_sms(caplog)[0][1]  # no place was agreed in this plan


def test_a_peer_without_the_wish_gets_no_sms(started_pair):
    assert not Reminder.objects.filter(channel="sms").exists()


def test_a_supporter_who_wants_sms_gets_both(pair, manager, supporter):
    import time_machine

    ContactPreference.objects.create(user=supporter, email=True, sms=True)
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False):
        services.pair_start(pair=pair, match_meeting_on=MATCH_DAY, by=manager)
    reminders = Reminder.objects.filter(recipient_user=supporter, kind=ReminderKind.MEETING)
    assert {r.channel for r in reminders} == {"email", "sms"}


def test_managers_are_alerted_about_pairs_at_risk_once_per_episode(
    started_pair, supporter, manager, other_manager, frozen
):
    first, second, third, fourth = started_pair.meetings.all()[:4]
    frozen.move_to(aware(2026, 4, 24, 12))
    services.meeting_record_held(meeting=first, by=supporter, held_on=dt.date(2026, 3, 12))
    services.logbook_save(meeting=first, by=supporter, answers={"activities": "walk"}, submit=True)
    for meeting in (second, third, fourth):
        services.meeting_record_cancelled(
            meeting=meeting,
            by=supporter,
            cancelled_by="supporter",
            reason=CancelReason.SUPPORTER_HEALTH,
        )
    assert services.pairs_alert_at_risk() == 2  # no meeting for 4 weeks, 3 cancellations
    alerts = Reminder.objects.filter(kind=ReminderKind.RISK_ALERT)
    assert {a.recipient_user for a in alerts} == {manager}
    assert alerts.count() == 2
    services.pairs_alert_at_risk()  # the hourly run again: nothing new
    assert alerts.count() == 2


def test_an_overdue_logbook_alerts_the_manager(started_pair, supporter, manager, frozen):
    first = started_pair.meetings.first()
    frozen.move_to(aware(2026, 3, 15, 12))
    services.meeting_record_held(meeting=first, by=supporter, held_on=dt.date(2026, 3, 12))
    services.pairs_alert_at_risk()
    assert (
        Reminder.objects.filter(kind=ReminderKind.RISK_ALERT, recipient_user=manager).count() == 1
    )


def test_a_healthy_pair_raises_no_alert(started_pair, frozen):
    frozen.move_to(aware(2026, 3, 20, 12))
    assert services.pairs_alert_at_risk() == 0


def test_the_hourly_task_runs_both_rules(started_pair, frozen):
    from logbooks.tasks import pairs_hourly

    frozen.move_to(aware(2026, 3, 20, 12))
    assert pairs_hourly.apply().get() == {"continued": 0, "completed": 0, "alerts": 0}


def test_ended_pairs_get_no_more_reminders(started_pair, manager, frozen, mailoutbox):
    services.pair_end(pair=started_pair, by=manager, reason="Moved")
    frozen.move_to(aware(2026, 9, 30, 12))
    assert outbox_sweep().sent == 0
    assert not Reminder.objects.filter(status=ReminderStatus.QUEUED).exists()
