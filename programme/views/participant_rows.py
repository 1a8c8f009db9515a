"""The participant list's rows, prepared in the view (see participant_rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from html import escape  # Django's escape without its lazy-argument wrapper: all text here
from operator import methodcaller

from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext

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


ROW = (
    '<tr><td><a href="{url}">{name}</a>{badge}</td><td>{kind}</td><td>{status}</td>'
    "<td>{channel}</td><td>{round}</td><td>{registered}</td></tr>"
)


def participant_rows(values) -> SafeString:
    """The table rows of `values(*ROW_FIELDS)`, one per line, written here as the admin writes
    its change list's cells (admin_list.items_for_result), not cell by cell in the template: the
    participant list is the busiest page, and the template's per-cell work (a lookup, a
    localisation and an escape per value, a loop context per row) was a fifth of its CPU
    (bench/pages.py; README "Performance"). Every value is escaped here.

    - Role, status and channel labels, each translated once per request:
      `get_<field>_display` hashes every choice's lazy label on each call.
    - The link: one `reverse` for the page, not one per row.
    - The registration date in the user's time zone and short date format (day_formatter).
    """
    kinds = {value: escape(str(label)) for value, label in Kind.choices}
    statuses = {value: escape(str(label)) for value, label in Status.choices}
    channels = {value: escape(str(label)) for value, label in ReferralChannel.choices}
    detail = reverse("programme:participant_detail", args=[0]).removesuffix("0/")
    format_day = day_formatter(get_format("SHORT_DATE_FORMAT"))
    zone = get_current_timezone()
    badge = ' <span class="badge text-bg-warning">{}</span>'.format(
        escape(gettext("possible duplicate"))
    )
    return mark_safe(  # every value below is escaped
        "\n".join(
            ROW.format(
                url=f"{detail}{row['id']}/",
                name=escape(f"{row['first_name']} {row['last_name']}"),
                badge=badge if row["has_duplicate"] else "",
                kind=kinds.get(row["kind"]) or escape(row["kind"]),
                status=statuses.get(row["status"]) or escape(row["status"]),
                channel=channels.get(row["referral_channel"]) or escape(row["referral_channel"]),
                round=escape(row["round__name"] or "–"),
                registered=escape(format_day(row["created_at"].astimezone(zone))),
            )
            for row in values
        )
    )


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
