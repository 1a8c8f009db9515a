"""The outbox: planning is idempotent, the sweep sends each reminder once and records it."""

import datetime as dt
import io
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from programme.models import Kind, Status
from tests.conftest import make_participant
from tests.outbox.channels import logged_sms
from tod.outbox.models import ContactPreference, Reminder, ReminderStatus
from tod.outbox.services import MAX_ATTEMPTS, RETRY_BACKOFF, outbox_plan, outbox_sweep

NOW = timezone.make_aware(dt.datetime(2026, 5, 4, 12, 0))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _sms_log(caplog):
    caplog.set_level(logging.INFO, logger="tod.outbox")


def plan(user, key="k1", **fields):
    values = {
        "kind": "meeting",
        "channel": "email",
        "due_at": NOW - dt.timedelta(minutes=1),
        "recipient_user": user,
        "context": {"when": (NOW + dt.timedelta(days=1)).isoformat(), "place": "Café"},
        "site": user.sites.first() if user else None,
    }
    values.update(fields)
    return outbox_plan(key=key, **values)


@pytest.fixture
def hanne(supporter):
    supporter.email = "hanne@example.org"
    supporter.save()
    return supporter


def test_planning_twice_creates_one_reminder(hanne, clock):
    first = plan(hanne)
    second = plan(hanne)
    assert first.pk == second.pk
    assert Reminder.objects.count() == 1


def test_replanning_a_pending_reminder_moves_it(hanne, clock):
    plan(hanne)
    plan(hanne, due_at=NOW + dt.timedelta(hours=3))
    assert Reminder.objects.get().due_at == NOW + dt.timedelta(hours=3)


def test_a_sent_reminder_is_never_replanned(hanne, clock, mailoutbox):
    plan(hanne)
    outbox_sweep()
    plan(hanne, due_at=NOW + dt.timedelta(hours=3))
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.SENT and reminder.due_at < NOW


def test_the_sweep_sends_due_reminders_once(hanne, clock, mailoutbox):
    plan(hanne, "due")
    plan(hanne, "later", due_at=NOW + dt.timedelta(minutes=5))
    result = outbox_sweep()
    assert result.sent == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["hanne@example.org"]
    assert outbox_sweep().sent == 0  # running it again sends nothing twice
    assert len(mailoutbox) == 1
    sent = Reminder.objects.get(key="due")
    assert sent.status == ReminderStatus.SENT and sent.sent_at == NOW and sent.attempts == 1
    clock.move_to(NOW + dt.timedelta(minutes=6))
    assert outbox_sweep().sent == 1


def test_messages_are_in_the_recipients_language_and_say_no_more_than_when_and_where(
    hanne, clock, mailoutbox
):
    hanne.language = "en"
    hanne.save()
    plan(hanne)
    outbox_sweep()
    message = mailoutbox[0]
    assert "Café" in message.body and "Hanne" in message.body
    text = (message.subject + message.body + message.from_email).lower()
    for word in ("diabetes", "peer", "health", "logbook", "support"):
        assert word not in text
    hanne.language = "da"
    hanne.save()
    plan(hanne, "da")
    Reminder.objects.filter(key="da").update(language="da")
    outbox_sweep()
    assert "møde" in mailoutbox[1].body.lower()


def test_a_failed_send_retries_with_backoff_then_shows_as_failed(hanne, clock, settings):
    settings.OUTBOX_CHANNEL_CLASSES = {"email": "tests.outbox.channels.BrokenChannel"}
    plan(hanne)
    moment = NOW
    for attempt in range(1, MAX_ATTEMPTS):
        result = outbox_sweep()
        assert result.retried == 1
        reminder = Reminder.objects.get()
        assert reminder.status == ReminderStatus.RETRY and reminder.attempts == attempt
        assert reminder.due_at == moment + dt.timedelta(seconds=RETRY_BACKOFF[attempt - 1])
        assert "gateway down" in reminder.last_error
        assert outbox_sweep().handled == 0  # not before its time
        moment = reminder.due_at
        clock.move_to(moment)
    assert outbox_sweep().failed == 1
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED and reminder.attempts == MAX_ATTEMPTS
    assert max(RETRY_BACKOFF) <= 300


def test_the_sweep_never_sends_to_a_withdrawn_participant(site, clock, caplog):
    peer = make_participant(site, Kind.PEER, phone="+4520202020", status=Status.WITHDRAWN)
    outbox_plan(
        key="peer-sms",
        kind="meeting",
        channel="sms",
        due_at=NOW,
        recipient_participant=peer,
        context={"when": NOW.isoformat()},
    )
    result = outbox_sweep()
    assert result.cancelled == 1 and result.sent == 0
    assert logged_sms(caplog) == []
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.CANCELLED and "withdrawn" in reminder.last_error


def test_the_sweep_never_sends_to_a_withdrawn_supporter(hanne, clock, mailoutbox):
    plan(hanne)
    hanne.participant.status = Status.WITHDRAWN
    hanne.participant.save()
    assert outbox_sweep().cancelled == 1
    assert mailoutbox == []


def test_no_sms_at_night(site, clock, caplog):
    peer = make_participant(site, Kind.PEER, phone="+4520202020")
    night = timezone.make_aware(dt.datetime(2026, 5, 4, 23, 30))
    clock.move_to(night)
    outbox_plan(
        key="sms",
        kind="meeting",
        channel="sms",
        due_at=night,
        recipient_participant=peer,
        context={"when": NOW.isoformat(), "place": "Café"},
    )
    assert outbox_sweep().postponed == 1
    assert logged_sms(caplog) == []
    reminder = Reminder.objects.get()
    assert reminder.due_at == timezone.make_aware(dt.datetime(2026, 5, 5, 8, 0))
    clock.move_to(timezone.make_aware(dt.datetime(2026, 5, 5, 8, 0)))
    assert outbox_sweep().sent == 1
    assert logged_sms(caplog)[0][0] == "+4520202020"


def test_channel_preferences_are_respected(hanne, clock, mailoutbox):
    ContactPreference.objects.create(user=hanne, email=False, sms=False)
    plan(hanne)
    assert outbox_sweep().cancelled == 1
    assert mailoutbox == []


def test_sms_to_a_user_only_when_they_chose_it(hanne, clock):
    hanne.participant.phone = "+4530303030"
    hanne.participant.save()
    plan(hanne, "sms", channel="sms")
    assert outbox_sweep().cancelled == 1
    ContactPreference.objects.create(user=hanne, email=True, sms=True)
    plan(hanne, "sms2", channel="sms")
    assert outbox_sweep().sent == 1


def test_an_sms_gateway_failure_is_retried(site, clock, settings):
    settings.OUTBOX_SMS_BACKEND = "tests.outbox.channels.FailingSmsGateway"
    peer = make_participant(site, Kind.PEER, phone="+4520202020")
    outbox_plan(key="sms", kind="meeting", channel="sms", due_at=NOW, recipient_participant=peer)
    assert outbox_sweep().retried == 1


def test_the_outbox_key_goes_to_the_provider_as_its_reference(site, clock, settings):
    """A message resent after a crash carries the same reference, so a gateway that
    deduplicates by it drops the copy (docs/adr/0002-outbox-reminders.md)."""
    from tests.outbox.channels import RecordingSmsGateway

    settings.OUTBOX_SMS_BACKEND = "tests.outbox.channels.RecordingSmsGateway"
    RecordingSmsGateway.calls.clear()
    peer = make_participant(site, Kind.PEER, phone="+4520202020")
    outbox_plan(
        key="sms-ref", kind="meeting", channel="sms", due_at=NOW, recipient_participant=peer
    )
    assert outbox_sweep().sent == 1
    assert [call["reference"] for call in RecordingSmsGateway.calls] == ["sms-ref"]


def test_an_e_mail_reminder_has_a_message_id_of_its_own_key(hanne, clock, mailoutbox, settings):
    settings.OUTBOX_FROM_EMAIL = "ToD <noreply@tod.example.org>"
    plan(hanne, "first")
    plan(hanne, "second")
    outbox_sweep()
    ids = {m.extra_headers["X-ToD-Reminder"]: m.message()["Message-ID"] for m in mailoutbox}
    assert ids["first"] != ids["second"] and ids["first"].endswith("@tod.example.org>")
    # sent again (as after a crash before its row was marked): recognisably the same message
    Reminder.objects.filter(key="first").update(status=ReminderStatus.QUEUED)
    mailoutbox.clear()
    outbox_sweep()
    assert mailoutbox[0].message()["Message-ID"] == ids["first"]


def test_no_address_fails_visibly(supporter, clock):
    supporter.email = ""
    supporter.save()
    plan(supporter)
    assert outbox_sweep().failed == 1
    assert Reminder.objects.get().last_error == "no address for this channel"


def test_reminders_due_while_the_broker_was_down_go_out_when_it_is_back(hanne, clock, mailoutbox):
    # An outage of Redis (or of the worker/beat) only means no sweep ran: the rows wait in the
    # database, and the first sweep afterwards sends every one of them, once.
    for hour in range(5):
        plan(hanne, f"during-outage-{hour}", due_at=NOW + dt.timedelta(hours=hour))
    clock.move_to(NOW + dt.timedelta(hours=6))
    assert outbox_sweep().sent == 5
    assert len(mailoutbox) == 5
    assert outbox_sweep().sent == 0


def test_the_management_command_sweeps(hanne, clock, mailoutbox):
    plan(hanne)
    out = io.StringIO()
    call_command("sweep_outbox", stdout=out)
    assert "sent=1" in out.getvalue()
    assert len(mailoutbox) == 1


def test_the_beat_task_sweeps(hanne, clock, mailoutbox):
    from tod.outbox.tasks import sweep_outbox

    plan(hanne)
    assert sweep_outbox.apply().get() == 1
    assert len(mailoutbox) == 1


def test_a_reminder_needs_a_recipient_and_an_aware_time(hanne):
    with pytest.raises(ValueError):
        outbox_plan(key="x", kind="meeting", channel="email", due_at=NOW)
    with pytest.raises(ValueError):
        outbox_plan(
            key="x",
            kind="meeting",
            channel="email",
            due_at=dt.datetime(2026, 1, 1),
            recipient_user=hanne,
        )
