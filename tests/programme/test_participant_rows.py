"""The participant list writes its rows itself (programme.views.participant_rows): what it
shows must be what Django's own formatting would show."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.dateformat import format as django_format
from django.utils.formats import get_format

from programme.views.participant_rows import day_formatter

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
