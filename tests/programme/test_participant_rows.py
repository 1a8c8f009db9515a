"""The participant list writes its rows itself (programme.views.participant_rows): what it
shows must be what Django's own formatting would show."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as django_format
from django.utils.formats import get_format

from programme.models import Kind, ReferralChannel
from programme.views.participant_rows import day_formatter
from tests.conftest import make_participant

DAYS = [dt.date(2026, 3, 4), dt.date(1999, 12, 31), dt.datetime(2026, 11, 26, 23, 59)]


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_short_date_is_written_as_django_writes_it(language):
    with translation.override(language):
        short = get_format("SHORT_DATE_FORMAT")
        write = day_formatter(short)
        assert [write(day) for day in DAYS] == [django_format(day, short) for day in DAYS]


@pytest.mark.parametrize("fmt", ["Y-m-d", "d/m/y", "j. F Y", "D d.m.Y", r"\d\e\n d", "d%m"])
def test_other_formats_fall_back_or_match_django(fmt):
    with translation.override("da"):
        write = day_formatter(fmt)
        assert [write(day) for day in DAYS] == [django_format(day, fmt) for day in DAYS]


def test_a_row_shows_the_participant_escaped_with_its_labels_link_and_date(
    client, manager, site, programme_round
):
    """The rows are written in Python (participant_rows): names and round names are escaped
    there, and each cell is what the template used to show."""
    programme_round.name = "Forår <2026>"
    programme_round.save()
    hostile = make_participant(
        site,
        Kind.SUPPORTER,
        first_name="<script>alert(1)</script>",
        last_name="O'Brien & Co",
        round=programme_round,
        referral_channel=ReferralChannel.DIABETES_ASSOCIATION,
    )
    make_participant(site, first_name="Inge", last_name="Kristensen")
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("programme:participant_list")).content.decode()

    assert "<script>alert(1)" not in page
    row = next(line for line in page.splitlines() if "O&#x27;Brien &amp; Co" in line)
    assert f'href="{reverse("programme:participant_detail", args=[hostile.pk])}"' in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert "<td>Peer supporter</td>" in row
    assert "<td>Danish Diabetes Association</td>" in row
    assert "<td>Forår &lt;2026&gt;</td>" in row
    assert f"<td>{timezone.localdate(hostile.created_at):%d/%m/%Y}</td>" in row  # British
    inge = next(line for line in page.splitlines() if "Inge Kristensen" in line)
    assert "<td>–</td>" in inge  # no round


def test_the_empty_list_says_so(client, manager):
    client.force_login(manager)
    page = client.get(reverse("programme:participant_list"), {"q": "nobody-at-all"})
    assert "Ingen deltagere passer." in page.content.decode()  # Danish is the default
