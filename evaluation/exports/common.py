"""What both evaluation exports share: the one snapshot they read, the streamed querysets of the
cases' people, interviews and logbooks, the codebook's order, how dates are moved (Dates), and
the zip entries they write into."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce

from logbooks.models import Logbook
from programme.models import Participant

from .. import engagement
from ..models import CodeGroup, Interview
from ..pseudonyms import date_shift_days, shift_date
from ..queries import interviews_allowed_q
from ..reports import case_pairs, cases_for
from ..sources import logbook_source_text

# Rows fetched from the database at a time (and prefetched relations per as many rows).
CHUNK = 2000


def case_people(cases):
    """The participants of the cases, peers and supporters (substitutes included)."""
    return Participant.objects.filter(
        Q(pk__in=cases.values("peer_id")) | Q(pk__in=case_pairs(cases).values("supporter_id"))
    )


@contextmanager
def snapshot():
    """One read-only transaction that sees the database as it was at its first query
    (PostgreSQL's REPEATABLE READ), so a case started while an export is read is in all of its
    tables or in none. Inside a transaction already begun (a test's), that one is used."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def stream(queryset) -> Iterator:
    return queryset.iterator(chunk_size=CHUNK)


def case_logbooks(cases) -> Iterator[dict]:
    """The submitted logbooks of the cases (of every pair of each case), each as {id,
    case_id, date, text}, streamed; `case_id` is the case's first pair's, `text` the logbook's
    source document (sources.py), as stored."""
    rows = (
        Logbook.objects.filter(meeting__pair__in=case_pairs(cases), status__in=engagement.SUBMITTED)
        .annotate(case_id=Coalesce("meeting__pair__root_pair_id", "meeting__pair_id"))
        .order_by("case_id", "meeting__held_on", "id")
        .values("id", "case_id", "meeting__held_on", *engagement.LOGBOOK_TEXT_FIELDS)
    )
    for row in stream(rows):
        yield {
            "id": row["id"],
            "case_id": row["case_id"],
            "date": row["meeting__held_on"],
            "text": logbook_source_text(row),
        }


class Dates:
    """How an export writes dates: each moved by its person's secret offset (the default), or
    exact. A case's records (its dates, visits, interviews, logbooks) take the peer's offset,
    so every interval within a case is kept; records of no person (observations, interviews of
    no case) take their site's."""

    def __init__(self, *, exact: bool, peer_of_case: dict[int, int]) -> None:
        self.exact = exact
        self.peer_of_case = peer_of_case

    def person(self, value, participant_id: int):
        return (
            value
            if self.exact
            else shift_date(value, date_shift_days("participant", participant_id))
        )

    def case(self, value, pair_id: int):
        return self.person(value, self.peer_of_case[pair_id])

    def site(self, value, site_id: int):
        return value if self.exact else shift_date(value, date_shift_days("site", site_id))


def people_exported(user):
    """The participants whose (pseudonymised) data the user's exports hold: the people of the
    cases they may evaluate. The access log gets one entry for each."""
    return case_people(cases_for(user))


def code_groups():
    """The code groups in the codebook's order (themes, then groups)."""
    return CodeGroup.objects.order_by("theme__order", "order", "name", "id")


def case_interviews(user, cases):
    """The interviews the exports hold: of no case or of the `cases`, and with an informant
    who agreed to be interviewed (queries.interviews_allowed_q)."""
    return (
        Interview.objects.for_user(user)
        .filter(Q(pair__isnull=True) | Q(pair__in=cases))
        .filter(interviews_allowed_q())
        .order_by("id")
    )


def zip_entry(archive: zipfile.ZipFile, name: str):
    """An entry of `archive` to write into, as ZipFile.writestr would make it."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type = archive.compression
    info.external_attr = 0o600 << 16
    return archive.open(info, "w", force_zip64=True)
