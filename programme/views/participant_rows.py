"""The participant list's rows, prepared in the view (see participant_rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from operator import methodcaller

from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.timezone import localtime

from ..models import Kind, ReferralChannel, Status

# What a row shows; the list reads nothing else (no addresses, phones or notes).
ROW_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "kind",
    "status",
    "referral_channel",
    "created_at",
    "round__name",
    "has_duplicate",
)


def participant_rows(values) -> list[dict]:
    """Display-ready rows from `values(*ROW_FIELDS)`, worked out once per page rather than per
    row in the template: the participant list is the busiest page, and model instances and
    per-row template work were most of its CPU (bench/pages.py; README "Performance").

    - Plain dicts: the template finds each key at once (an attribute of a model instance is
      looked up as a key first, which raises and is caught, for every cell).
    - Role, status and channel labels, each translated once per request:
      `get_<field>_display` hashes every choice's lazy label on each call.
    - The link: one `reverse` for the page, not one per row.
    - The registration date in the user's time zone and short date format, formatted here
      rather than through the `date` filter's per-row lookups.
    """
    kinds = {value: str(label) for value, label in Kind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    channels = {value: str(label) for value, label in ReferralChannel.choices}
    detail = reverse("programme:participant_detail", args=[0]).removesuffix("0/")
    format_day = day_formatter(get_format("SHORT_DATE_FORMAT"))
    return [
        {
            "url": f"{detail}{row['id']}/",
            "name": f"{row['first_name']} {row['last_name']}",
            "has_duplicate": row["has_duplicate"],
            "kind": kinds.get(row["kind"], row["kind"]),
            "status": statuses.get(row["status"], row["status"]),
            "channel": channels.get(row["referral_channel"], row["referral_channel"]),
            "round": row["round__name"],
            "registered": format_day(localtime(row["created_at"])),
        }
        for row in values
    ]


# Django's date format characters that strftime writes the same way.
STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y"}


def day_formatter(django_format: str) -> Callable[[dt.date], str]:
    """A function writing a date in a Django date format ('d.m.Y'): strftime when the format
    uses only day, month and year with separators (Danish and English short dates), else
    Django's own formatter, which does the rest of the format language at several times the
    cost per date."""
    if "\\" in django_format or any(c.isalpha() and c not in STRFTIME for c in django_format):
        return partial(format_date, format_string=django_format)
    pattern = "".join(STRFTIME.get(char, char.replace("%", "%%")) for char in django_format)
    return methodcaller("strftime", pattern)
