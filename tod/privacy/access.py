"""The right of access (GDPR art. 15): what the installation holds about a participant.

The rows come from the apps' declarations (tod/personal_data.py): each row that is about the
participant or that they wrote, and none that is about someone else, even when it hangs off their
pair (the peer's interview in the supporter's pair, the evaluator's outcomes for the peer). The
audit trail of those rows (who changed what, when) comes with them. docs/privacy.md lists what is
in the export and why.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from tod.audit.models import AuditEvent
from tod.personal_data import declarations

# Login secrets never leave the database, not even to their owner.
SECRET_FIELDS = {"password", "session_salt"}


def collect(participant) -> dict[str, list[models.Model]]:
    """{model label: rows} of everything about the participant or written by them."""
    found = {}
    for declaration in declarations():
        if not (declaration.subjects or declaration.written_by):
            continue
        rows = list(declaration.rows_of(participant).order_by("pk"))
        if rows:
            found[declaration.model._meta.label] = rows
    return found


def audit_trail(rows: dict[str, list[models.Model]]):
    """The audit events of the rows: every insert, change and deletion recorded for them."""
    events = AuditEvent.objects.none()
    for group in rows.values():
        table = group[0]._meta.db_table
        events |= AuditEvent.objects.filter(
            table_name=table, row_id__in=[str(row.pk) for row in group]
        )
    return events.order_by("pk")


def _value(value):
    if isinstance(value, dt.datetime | dt.date | dt.time | decimal.Decimal | uuid.UUID):
        return DjangoJSONEncoder().default(value)
    return (
        value
        if isinstance(value, str | int | float | bool | list | dict | type(None))
        else str(value)
    )


def _row(row: models.Model) -> dict:
    return {
        field.attname: _value(getattr(row, field.attname))
        for field in row._meta.concrete_fields
        if field.name not in SECRET_FIELDS
    }


def participant_export(participant) -> dict:
    """The export as JSON-ready data: when it was made, every row model by model, and the
    audit trail of those rows."""
    rows = collect(participant)
    return {
        "exported_at": timezone.now().isoformat(),
        "participant_id": participant.pk,
        "records": {label: [_row(row) for row in group] for label, group in rows.items()},
        "audit_trail": [
            {
                "at": _value(event.at),
                "table": event.table_name,
                "row": event.row_id,
                "action": event.action,
                "actor_id": event.actor_id,
                "old": event.old,
                "new": event.new,
            }
            for event in audit_trail(rows)
        ],
    }
