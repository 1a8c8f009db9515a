"""Dates as the programme's readers write them: Danish, and English as in Britain.

The English interface wrote 12/07/2026 for the 7th of December, which a reader in Europe takes
for the 12th of July, and parsed a typed 12/07/2026 the American way too (tod/formats/)."""

import datetime as dt

import time_machine
from django import forms
from django.urls import reverse
from django.utils import formats, timezone, translation

from programme.models import Kind
from tests.conftest import make_participant

AFTERNOON = dt.datetime(2026, 12, 7, 14, 30)


def test_english_writes_dates_day_first_as_in_britain():
    with translation.override("en"):
        assert formats.date_format(AFTERNOON.date(), "SHORT_DATE_FORMAT") == "07/12/2026"
        assert formats.date_format(AFTERNOON.date()) == "7 Dec 2026"
        assert formats.date_format(AFTERNOON, "SHORT_DATETIME_FORMAT") == "07/12/2026 14:30"
        assert formats.date_format(AFTERNOON, "WEEKDAY_DATETIME_FORMAT") == (
            "Monday 7 December 2026, 14:30"
        )
        assert formats.time_format(AFTERNOON.time()) == "14:30"
    with translation.override("da"):
        assert formats.date_format(AFTERNOON.date(), "SHORT_DATE_FORMAT") == "07.12.2026"
        assert formats.date_format(AFTERNOON, "WEEKDAY_DATETIME_FORMAT") == (
            "mandag 7. december 2026 14:30"
        )


def test_a_date_typed_in_english_is_read_day_first_and_iso_still_works():
    field = forms.DateField()
    with translation.override("en"):
        assert field.clean("07/12/2026") == dt.date(2026, 12, 7)
        assert field.clean("2026-12-07") == dt.date(2026, 12, 7)  # the date picker's value
        assert forms.DateTimeField().clean("07/12/2026 14:30") == timezone.make_aware(AFTERNOON)
    with translation.override("da"):
        assert field.clean("07.12.2026") == dt.date(2026, 12, 7)


def _in_english(client, user):
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    client.cookies["django_language"] = "en"


def test_the_participant_list_in_english_shows_british_dates(client, manager, site):
    with time_machine.travel(timezone.make_aware(AFTERNOON), tick=False):
        make_participant(site, Kind.PEER, first_name="Inge", last_name="Kristensen")
        _in_english(client, manager)
        page = client.get(reverse("programme:participant_list")).content.decode()
    assert '<html lang="en"' in page
    assert "07/12/2026" in page
    assert "12/07/2026" not in page


def test_the_supporters_pages_name_the_weekday_in_the_readers_language(client, site, supporter):
    from logbooks.services import pair_start
    from tests.logbooks.conftest import make_pair
    from tod.accounts.models import Role

    from ..conftest import make_user

    manager = make_user("a-manager", Role.MANAGER, [site])
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 3, 12)), tick=False) as t:
        pair = pair_start(
            pair=make_pair(site, supporter),
            match_meeting_on=dt.date(2026, 3, 3),
            by=manager,
            weekday=3,
            time=dt.time(10),
            place="Café",
        )
        meeting = pair.meetings.get(sequence=1)
        t.move_to(timezone.make_aware(dt.datetime(2026, 3, 12, 12)))
        url = reverse("logbooks:logbook_edit", args=[meeting.pk])
        _in_english(client, supporter)
        english = client.get(url).content.decode()
        client.cookies["django_language"] = "da"
        danish = client.get(url).content.decode()
    assert "Thursday 12 March" in english
    assert "12. March" not in english
    assert "torsdag 12. marts" in danish
