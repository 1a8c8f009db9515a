"""Invitations and reminders for training days, supervision and network meetings: programme's
rules (programme/reminders.py), run by the outbox's beat task."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from programme.models import Course, CourseInvitation, Session, SessionInvitation, TrainingDay
from programme.reminders import plan_session_reminders, plan_training_reminders
from tod.outbox.models import Reminder, ReminderKind, ReminderStatus
from tod.outbox.services import outbox_sweep
from tod.outbox.tasks import plan_reminders


def aware(*args):
    return timezone.make_aware(dt.datetime(*args))


NOW = aware(2026, 5, 4, 12, 0)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hanne(supporter):
    supporter.email = "hanne@example.org"
    supporter.language = "en"
    supporter.save()
    return supporter


@pytest.fixture
def course(site, programme_round, manager, hanne, clock):
    course = Course.objects.create(
        site=site, round=programme_round, name="Spring", trainer="Ann", created_by=manager
    )
    for number, day in ((1, 12), (2, 19)):
        TrainingDay.objects.create(
            course=course,
            number=number,
            starts_at=aware(2026, 5, day, 9),
            ends_at=aware(2026, 5, day, 15),
            place="Centre for Diabetes",
        )
    CourseInvitation.objects.create(
        course=course, participant=hanne.participant, invited_by=manager
    )
    return course


def test_a_training_invitation_goes_out_at_once_and_each_day_is_reminded(
    course, hanne, clock, mailoutbox
):
    assert plan_training_reminders() == 3
    assert plan_training_reminders() == 3  # idempotent: the same three rows
    assert Reminder.objects.filter(kind=ReminderKind.TRAINING).count() == 3
    outbox_sweep()
    assert len(mailoutbox) == 1 and "Centre for Diabetes" in mailoutbox[0].body
    clock.move_to(aware(2026, 5, 11, 9))
    outbox_sweep()
    clock.move_to(aware(2026, 5, 18, 9))
    outbox_sweep()
    assert len(mailoutbox) == 3


def test_a_cancelled_course_invitation_cancels_its_reminders(course, hanne, clock):
    plan_training_reminders()
    CourseInvitation.objects.update(cancelled_at=NOW)
    plan_training_reminders()
    assert not Reminder.objects.pending().filter(kind=ReminderKind.TRAINING).exists()


@pytest.mark.parametrize(
    "kind, reminder_kind", [("supervision", "supervision"), ("network", "network_meeting")]
)
def test_sessions_are_announced_and_reminded_the_day_before(
    site, programme_round, manager, hanne, clock, mailoutbox, kind, reminder_kind
):
    session = Session.objects.create(
        site=site,
        round=programme_round,
        kind=kind,
        starts_at=aware(2026, 6, 1, 17),
        ends_at=aware(2026, 6, 1, 19),
        place="Library",
        created_by=manager,
    )
    SessionInvitation.objects.create(session=session, participant=hanne.participant)
    assert plan_session_reminders() == 2
    reminders = Reminder.objects.filter(kind=reminder_kind)
    assert reminders.count() == 2
    assert sorted(r.due_at for r in reminders) == [NOW, aware(2026, 5, 31, 17)]
    # moving the session moves its reminder
    Session.objects.filter(pk=session.pk).update(
        starts_at=aware(2026, 6, 2, 17), ends_at=aware(2026, 6, 2, 19)
    )
    plan_reminders.apply()
    pending = Reminder.objects.pending().filter(kind=reminder_kind).order_by("due_at")
    assert [r.due_at for r in pending] == [NOW, aware(2026, 6, 1, 17)]
    Session.objects.filter(pk=session.pk).update(cancelled_at=NOW)
    plan_session_reminders()
    assert not Reminder.objects.pending().filter(kind=reminder_kind).exists()
    assert Reminder.objects.filter(status=ReminderStatus.CANCELLED).exists()


def test_a_supporter_without_a_login_is_invited_by_e_mail(site, programme_round, manager, clock):
    from programme.models import Kind
    from tests.conftest import make_participant

    kim = make_participant(site, Kind.SUPPORTER, email="kim@example.org")
    session = Session.objects.create(
        site=site,
        round=programme_round,
        kind="supervision",
        starts_at=aware(2026, 6, 1, 17),
        ends_at=aware(2026, 6, 1, 19),
        place="Library",
        created_by=manager,
    )
    SessionInvitation.objects.create(session=session, participant=kim)
    plan_session_reminders()
    assert {r.recipient_participant for r in Reminder.objects.all()} == {kim}
