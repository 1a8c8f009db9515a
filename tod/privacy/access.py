"""The right of access (GDPR art. 15): everything the installation holds about a participant.

The rows are found by following foreign keys *towards* the participant, from the participant
(and their login, if any) outwards: a row belongs to the export when it points at a row that
belongs to it (a pair of theirs, a meeting of that pair, the logbook of that meeting...). New
models are covered without a change here. Only secrets and framework bookkeeping are left out.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections import defaultdict

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

# Never exported: login secrets, sessions, throttling and framework bookkeeping.
EXCLUDED_MODELS = {
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
    "otp_static.statictoken",
    "logbooks.calendarfeed",
    "once.submission",
    "sessions.session",
    "admin.logentry",
    "contenttypes.contenttype",
    "auth.permission",
    "auth.group",
}
EXCLUDED_APPS = {"axes"}
MAX_DEPTH = 6


def _exportable_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.app_label not in EXCLUDED_APPS
    ]


def _links(model) -> list[models.ForeignKey]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and (field.many_to_one or field.one_to_one)
    ]


def collect(participant) -> dict[str, list[models.Model]]:
    """{model label: rows} of everything that belongs to the participant."""
    from tod.accounts.models import User

    found: dict[type[models.Model], dict[int, models.Model]] = defaultdict(dict)
    found[type(participant)][participant.pk] = participant
    if participant.user_id:
        found[User][participant.user_id] = User.objects.get(pk=participant.user_id)
    candidates = [model for model in _exportable_models() if model is not User]
    for _ in range(MAX_DEPTH):
        grew = False
        for model in candidates:
            for field in _links(model):
                targets = found.get(field.related_model)
                if not targets:
                    continue
                rows = model._default_manager.filter(**{f"{field.name}__in": list(targets)})
                for row in rows.exclude(pk__in=list(found[model])):
                    found[model][row.pk] = row
                    grew = True
        if not grew:
            break
    return {
        model._meta.label: sorted(rows.values(), key=lambda row: row.pk)
        for model, rows in found.items()
        if rows
    }


def _value(value):
    if isinstance(value, dt.datetime | dt.date | dt.time | decimal.Decimal | uuid.UUID):
        return DjangoJSONEncoder().default(value)
    return (
        value
        if isinstance(value, str | int | float | bool | list | dict | type(None))
        else str(value)
    )


def _row(row: models.Model) -> dict:
    data = {}
    for field in row._meta.concrete_fields:
        if field.name in {"password", "session_salt"}:
            continue
        data[field.attname] = _value(getattr(row, field.attname))
    return data


def participant_export(participant) -> dict:
    """The export as JSON-ready data: when it was made and every row, model by model."""
    return {
        "exported_at": timezone.now().isoformat(),
        "participant_id": participant.pk,
        "records": {
            label: [_row(row) for row in rows] for label, rows in collect(participant).items()
        },
    }
