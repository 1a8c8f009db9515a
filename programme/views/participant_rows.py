"""The participant list's rows, prepared in the view (see prepare_rows)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.timezone import localtime

from ..models import Kind, Participant, ReferralChannel, Status


def prepare_rows(participants: Iterable[Participant]) -> None:
    """What each row shows, worked out once per page rather than per row in the template: the
    participant list is the busiest page, and per-row template work was most of its CPU
    (bench/pages.py; README "Performance").

    - Role, status and channel labels, each translated once per request:
      `get_<field>_display` hashes every choice's lazy label on each call, a gettext per
      choice, per field, per row (400 on a page of 25).
    - The link: one `reverse` for the page, not one per row.
    - The registration date in the user's time zone and short date format, formatted here
      rather than through the `date` filter's per-row lookups.
    """
    kinds = {value: str(label) for value, label in Kind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    channels = {value: str(label) for value, label in ReferralChannel.choices}
    detail = reverse("programme:participant_detail", args=[0]).removesuffix("0/")
    date_format = get_format("SHORT_DATE_FORMAT")
    for participant in participants:
        participant.kind_label = kinds.get(participant.kind, participant.kind)
        participant.status_label = statuses.get(participant.status, participant.status)
        participant.channel_label = channels.get(
            participant.referral_channel, participant.referral_channel
        )
        participant.url = f"{detail}{participant.pk}/"
        participant.registered_on = format_date(localtime(participant.created_at), date_format)
