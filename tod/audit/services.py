from __future__ import annotations

from django.db import connection
from django.db.models import F, Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tod.accounts.http import AuthenticatedHttpRequest

from .models import AccessEvent


def access_record(
    *, request: AuthenticatedHttpRequest, participant: Model, what: str
) -> AccessEvent:
    """Log that the request's user read `what` of a participant's health record.

    Called by every view that shows nurse visits, logbooks or evaluation records. Records who,
    what and when, never the values shown. `participant` is a programme.Participant, which the
    platform does not import (its key is what the row stores).
    """
    return AccessEvent.objects.create(
        actor=request.user, participant_id=participant.pk, what=what, path=request.path[:300]
    )


def access_record_many(*, request: HttpRequest, participants: QuerySet[Model], what: str) -> int:
    """Log that the request's user read `what` of each participant of a queryset (an export).

    One INSERT ... SELECT, so an export of a thousand participants costs one query, not a
    thousand, and the rows are written in the same transaction as the rest of the request.
    Returns how many entries were written.
    """
    ids_sql, ids_params = participants.order_by().values(ref=F("pk")).query.sql_with_params()
    table = connection.ops.quote_name(AccessEvent._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, actor_id, participant_id, what, path) "  # noqa: S608
            f"SELECT %s, %s, ids.ref, %s, %s FROM ({ids_sql}) AS ids",
            [at, request.user.pk, what[:100], request.path[:300], *ids_params],
        )
        written: int = cursor.rowcount
        return written
