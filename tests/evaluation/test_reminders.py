"""The nurse's post-visit reminder goes through the outbox two weeks before it is due."""

import datetime as dt

import time_machine
from django.utils import timezone

from evaluation import services
from evaluation.tasks import plan_nurse_reminders
from tod.outbox.models import Reminder, ReminderKind, ReminderStatus


def test_post_visit_reminder_is_planned_once_for_the_sites_nurse(case, nurse, other_case):
    planned = services.nurse_post_visit_reminders_plan()
    assert planned == 1
    reminder = Reminder.objects.get()
    assert reminder.kind == ReminderKind.NURSE_VISIT
    assert reminder.recipient_user == nurse
    # the pair started 1 Feb 2026: due 1 Aug, reminded 18 Jul at 9:00 local time
    assert timezone.localtime(reminder.due_at) == timezone.make_aware(dt.datetime(2026, 7, 18, 9))
    assert reminder.context["when"] == "2026-08-01"
    assert "Bentholm" not in str(reminder.context)
    services.nurse_post_visit_reminders_plan()
    plan_nurse_reminders()
    assert Reminder.objects.count() == 1


def test_recording_the_post_visit_cancels_the_reminder(case, nurse):
    services.nurse_post_visit_reminders_plan()
    services.nurse_visit_save(
        peer=case.peer, kind="post", by=nurse, values={"visited_on": dt.date(2026, 8, 1)}
    )
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED
    services.nurse_post_visit_reminders_plan()
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED


@time_machine.travel(dt.datetime(2026, 7, 18, 9, 30), tick=False)
def test_reminder_is_sent_by_the_sweep(case, nurse, mailoutbox):
    from tod.outbox.services import outbox_sweep

    nurse.email = "nurse@example.org"
    nurse.save()
    services.nurse_post_visit_reminders_plan()
    outbox_sweep()
    assert len(mailoutbox) == 1
    assert "/evaluation/nurse/peers/" in mailoutbox[0].body


@time_machine.travel(dt.datetime(2026, 4, 1, 10, 0), tick=False)
def test_no_reminder_for_a_peer_who_withdrew(case, nurse, manager):
    from programme.services import participant_withdraw

    participant_withdraw(
        participant=case.peer,
        withdrawn_on=dt.date(2026, 4, 1),
        reason="Moved away.",
        initiated_by="participant",
        data_choice="keep",
        by=manager,
    )
    assert services.nurse_post_visit_reminders_plan() == 0
    assert not Reminder.objects.exists()
