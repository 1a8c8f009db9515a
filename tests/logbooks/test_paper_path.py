"""The paper path (issue 17, item 2): the manager enters a supporter's paper logbook, stored as
entered by the manager with the supporter as its author; a supporter without a login is
reminded of meetings by SMS or e-mail on their participant record."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.urls import reverse

from logbooks import services
from logbooks.factories import PairFactory
from logbooks.models import Logbook, LogbookStatus
from programme.models import Kind
from tests.conftest import make_participant
from tests.outbox.channels import logged_sms
from tod.outbox.models import Reminder, ReminderKind
from tod.outbox.services import outbox_sweep

from .conftest import MATCH_DAY, aware

FORM = {
    "activities": "Gåtur",
    "place": "Parken",
    "duration_minutes": "60",
    "needs_support": "1",
    "support_with": "Hvordan taler jeg om medicin?",
    "action": "submit",
}


@pytest.fixture
def held(started_pair, manager, frozen):
    frozen.move_to(aware(2026, 3, 12, 12))
    meeting = started_pair.meetings.get(sequence=1)
    return services.meeting_record_held(
        meeting=meeting,
        by=manager,
        held_on=dt.date(2026, 3, 12),
        duration_minutes=60,
        place="Parken",
        activity="Gåtur",
    )


def paper_url(meeting) -> str:
    return reverse("logbooks:logbook_paper", args=[meeting.pk])


def test_the_manager_enters_the_paper_logbook_from_the_pair_page(client, manager, supporter, held):
    client.force_login(manager)
    page = client.get(reverse("logbooks:pair_detail", args=[held.pair_id])).content.decode()
    assert f'href="{paper_url(held)}"' in page
    assert client.get(paper_url(held)).status_code == 200
    response = client.post(paper_url(held), FORM)
    logbook = Logbook.objects.get()
    assert response.url == reverse("logbooks:logbook_detail", args=[logbook.pk])
    assert (logbook.author, logbook.entered_by, logbook.status) == (
        supporter,
        manager,
        LogbookStatus.SUBMITTED,
    )
    detail = client.get(response.url).content.decode()
    assert "Maria" in detail and "papirlogbog" in detail.lower()
    # The support request reaches the manager's alert as the supporter's own would.
    assert Reminder.objects.filter(kind=ReminderKind.SUPPORT_REQUEST, recipient_user=manager)
    # The link is gone; the supporter reads it and may edit it as before.
    page = client.get(reverse("logbooks:pair_detail", args=[held.pair_id])).content.decode()
    assert f'href="{paper_url(held)}"' not in page
    client.force_login(supporter)
    edit = reverse("logbooks:logbook_edit", args=[held.pk])
    assert f'href="{edit}"' in client.get(response.url).content.decode()
    client.post(edit, {**FORM, "activities": "Cykeltur"})
    logbook.refresh_from_db()
    assert logbook.activities == "Cykeltur"


def test_a_repeated_post_stores_one_logbook(client, manager, held):
    client.force_login(manager)
    client.post(paper_url(held), FORM)
    client.post(paper_url(held), FORM)
    assert Logbook.objects.count() == 1


def test_another_sites_manager_and_the_supporter_are_refused(
    client, other_manager, supporter, held
):
    client.force_login(other_manager)
    assert client.get(paper_url(held)).status_code == 404
    assert client.post(paper_url(held), FORM).status_code == 404
    client.force_login(supporter)
    assert client.get(paper_url(held)).status_code == 403
    assert not Logbook.objects.exists()


def test_a_supporter_without_a_login_has_the_manager_as_author(client, manager, site):
    supporter = make_participant(site, Kind.SUPPORTER, first_name="Inge", last_name="Holm")
    pair = PairFactory.create(site=site, peer=make_participant(site), supporter=supporter)
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        services.pair_start(pair=pair, match_meeting_on=MATCH_DAY, by=manager, weekday=3)
        clock.move_to(aware(2026, 3, 12, 12))
        meeting = pair.meetings.get(sequence=1)
        services.meeting_record_held(
            meeting=meeting,
            by=manager,
            held_on=dt.date(2026, 3, 12),
            duration_minutes=60,
            place="Parken",
            activity="Gåtur",
        )
        client.force_login(manager)
        response = client.post(paper_url(meeting), FORM)
        logbook = Logbook.objects.get()
        assert (logbook.author, logbook.entered_by) == (manager, manager)
        detail = client.get(response.url).content.decode()
        assert "Inge Holm" in detail
        assert f'href="{paper_url(meeting)}"' in detail  # the manager goes on entering it


def _start_without_login(site, manager, **contact):
    supporter = make_participant(site, Kind.SUPPORTER, **contact)
    pair = PairFactory.create(site=site, peer=make_participant(site), supporter=supporter)
    return services.pair_start(pair=pair, match_meeting_on=MATCH_DAY, by=manager, weekday=3)


def test_a_supporter_without_a_login_gets_the_meeting_reminder_by_sms(site, manager, caplog):
    caplog.set_level(logging.INFO, logger="tod.outbox")
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        _start_without_login(site, manager, phone="+4530303030", email="inge@example.org")
        clock.move_to(aware(2026, 3, 11, 10, 0))
        outbox_sweep()
    assert [number for number, _text in logged_sms(caplog)] == ["+4530303030"]


def test_a_supporter_without_a_login_or_phone_gets_it_by_email(site, manager, mailoutbox):
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        pair = _start_without_login(site, manager, phone="", email="inge@example.org")
        wanted = set(Reminder.objects.values_list("key", flat=True))
        services.meetings_reminders_sync(pair.meetings.all())  # planning again: the same rows
        assert set(Reminder.objects.values_list("key", flat=True)) == wanted
        clock.move_to(aware(2026, 3, 11, 10, 0))
        outbox_sweep()
    assert [mail.to for mail in mailoutbox] == [["inge@example.org"]]


def test_a_supporter_with_a_login_is_reminded_as_before(started_pair, supporter):
    keys = set(Reminder.objects.filter(kind=ReminderKind.MEETING).values_list("key", flat=True))
    assert keys and all(f":user{supporter.pk}:" in key for key in keys)


def _hold_first_meeting(pair, manager, clock):
    clock.move_to(aware(2026, 3, 12, 12))
    meeting = pair.meetings.get(sequence=1)
    return services.meeting_record_held(
        meeting=meeting,
        by=manager,
        held_on=dt.date(2026, 3, 12),
        duration_minutes=60,
        place="Parken",
        activity="Gåtur",
    )


def _paper_reminders(**filters):
    return Reminder.objects.filter(kind=ReminderKind.PAPER_LOGBOOK, **filters)


def test_a_supporter_without_a_login_is_reminded_by_sms_to_hand_in_the_paper_logbook(
    client, site, manager, caplog
):
    caplog.set_level(logging.INFO, logger="tod.outbox")
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        pair = _start_without_login(site, manager, phone="+4530303030", email="inge@example.org")
        meeting = _hold_first_meeting(pair, manager, clock)
        clock.move_to(aware(2026, 3, 14, 9, 59))
        caplog.clear()
        outbox_sweep()
        assert logged_sms(caplog) == []  # two days after the meeting, at 10:00
        clock.move_to(aware(2026, 3, 14, 10, 0))
        outbox_sweep()
        outbox_sweep()  # a second sweep sends nothing twice
        [(number, text)] = logged_sms(caplog)
        assert number == "+4530303030"
        assert "papirlogbog" in text and "projektleder" in text and "12. marts" in text
        assert "http" not in text  # no link: they have no login
        # The manager enters the paper logbook: the reminder of day 7 is no longer wanted.
        topic = f"meeting:{meeting.pk}"
        assert _paper_reminders(topic=topic).pending().count() == 1
        client.force_login(manager)
        client.post(paper_url(meeting), FORM)
        assert not _paper_reminders(topic=topic).pending().exists()
        clock.move_to(aware(2026, 3, 19, 10, 0))
        caplog.clear()
        outbox_sweep()
        assert [t for _n, t in logged_sms(caplog) if "papirlogbog" in t] == []


def test_without_a_phone_the_paper_logbook_reminder_goes_by_email(site, manager, mailoutbox):
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        pair = _start_without_login(site, manager, phone="", email="inge@example.org")
        _hold_first_meeting(pair, manager, clock)
        clock.move_to(aware(2026, 3, 14, 10, 0))
        mailoutbox.clear()
        outbox_sweep()
    [mail] = [m for m in mailoutbox if "papirlogbog" in m.body]
    assert mail.to == ["inge@example.org"]
    assert "projektleder" in mail.body and "http" not in mail.body


def test_without_a_phone_or_email_no_paper_logbook_reminder_is_planned(site, manager):
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        pair = _start_without_login(site, manager, phone="", email="")
        _hold_first_meeting(pair, manager, clock)
    assert not _paper_reminders().exists()


def test_a_supporter_with_a_login_gets_the_logbook_reminder_with_its_link(held, supporter):
    assert not _paper_reminders().exists()
    reminders = Reminder.objects.filter(kind=ReminderKind.LOGBOOK, topic=f"meeting:{held.pk}")
    assert reminders.count() == 2
    assert all(r.recipient_user == supporter and r.context["url"] for r in reminders)
