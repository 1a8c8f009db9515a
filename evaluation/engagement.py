"""What the evaluation reads from the logbooks app: meetings held and logbook texts per pair.

Kept in one module so the reports do not depend on the logbook app's internals. Each function
takes a list of pair ids and runs one query."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from logbooks.models import Logbook, LogbookStatus, Meeting, MeetingStatus

from .sources import LOGBOOK_TEXT_FIELDS

SUBMITTED = (LogbookStatus.SUBMITTED, LogbookStatus.REVIEWED)


def meetings_held(pair_ids: list[int]) -> dict[int, int]:
    """{pair id: number of meetings held}; pairs without any are left out."""
    return dict(
        Meeting.objects.filter(pair_id__in=pair_ids, status=MeetingStatus.HELD)
        .values("pair_id")
        .annotate(n=Count("id"))
        .values_list("pair_id", "n")
    )


def _rows(pair_ids: list[int]) -> QuerySet[Logbook, dict[str, Any]]:
    rows: QuerySet[Logbook, dict[str, Any]] = (  # values() of a list of names: typed here
        Logbook.objects.filter(meeting__pair_id__in=pair_ids, status__in=SUBMITTED)
        .order_by("meeting__pair_id", "meeting__held_on", "id")
        .values("id", "meeting__pair_id", "meeting__held_on", *LOGBOOK_TEXT_FIELDS)
    )
    return rows


def logbook_words(pair_ids: list[int]) -> dict[int, int]:
    """{pair id: words written in the pair's submitted logbooks}."""
    words: dict[int, int] = {}
    for row in _rows(pair_ids).iterator(chunk_size=2000):  # the texts a chunk at a time
        count = sum(len(str(row[name] or "").split()) for name in LOGBOOK_TEXT_FIELDS)
        words[row["meeting__pair_id"]] = words.get(row["meeting__pair_id"], 0) + count
    return words
