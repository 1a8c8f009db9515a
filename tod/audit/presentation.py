"""The audit trail as a manager reads it, in the manager's language.

The triggers store rows as the database holds them: table and column names, choice codes, 0/1
for booleans, timestamps in UTC. Here each table is named by its model (`Match survey #11`), each
column by its field's verbose name, and each value as the forms show it: the choice's label,
yes or no, a date or time in the reader's format and time zone, a decimal with the reader's
decimal mark. A column whose model or field no longer exists is shown as stored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext

from .models import AuditEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EMPTY = "–"


@dataclass(frozen=True)
class FieldChange:
    label: StrOrPromise  # a field's verbose name, translated when shown
    before: str
    after: str
    structured: bool = False  # a JSON object, shown as code


@cache
def _models_by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {
        field.column: field
        for field in model._meta.concrete_fields
        if field.column is not None  # a concrete field always has one
    }


def record_label(event: AuditEvent) -> str:
    """`Match survey #11`: the model's name and the row's key."""
    model = _models_by_table().get(event.table_name)
    name = capfirst(model._meta.verbose_name) if model else event.table_name
    return f"{name} #{event.row_id}"


def value_label(field: models.Field | None, value: object) -> str:
    """A stored value as the forms show it."""
    if value is None or value == "":
        return EMPTY
    if field is None:
        return _plain(value)
    if field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value in (True, 1, "1", "true", "t") else gettext("no")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return _plain(value)
        if timezone.is_naive(moment):  # SQLite keeps UTC without an offset
            moment = timezone.make_aware(moment, dt.UTC)
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        day = parse_date(str(value))
        return formats.date_format(day, "SHORT_DATE_FORMAT") if day else _plain(value)
    if isinstance(field, models.ForeignKey):
        return f"#{value}"
    if isinstance(field, models.JSONField) and isinstance(value, str):
        try:  # SQLite's trigger stores a JSON column as its text
            value = json.loads(value)
        except ValueError:
            pass
    return _plain(value)


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value) or EMPTY
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return formats.localize(value)
    return str(value)


def field_changes(event: AuditEvent) -> list[FieldChange]:
    """What the event changed, field by field, leaving out the row's own key (the record says
    it) and changes no reader could see (an empty value becoming another empty value)."""
    model = _models_by_table().get(event.table_name)
    fields = _fields(model) if model else {}
    key = model._meta.pk.column if model else None
    changes = []
    for column, (before, after) in event.changed_fields().items():
        if column == key:
            continue
        field = fields.get(column)
        shown = FieldChange(
            label=capfirst(field.verbose_name) if field else column,
            before=value_label(field, before),
            after=value_label(field, after),
            structured=any(_is_object(field, value) for value in (before, after)),
        )
        if shown.before != shown.after:
            changes.append(shown)
    return changes


def _is_object(field: models.Field | None, value: object) -> bool:
    if isinstance(value, str) and isinstance(field, models.JSONField):
        return value.lstrip().startswith("{")
    return isinstance(value, dict)


_DETAIL = re.compile(r"^(?P<base>.+) \((?P<detail>[^()]+)\)$")


def access_label(what: str) -> str:
    """What an access-log entry says was read, translated: the apps store it in English (a
    stable record) and mark it for translation; "participant list (CSV) (full export)" is
    translated part by part when the whole has no translation of its own."""
    translated = gettext(what)
    if translated != what:
        return translated
    match = _DETAIL.match(what)
    if match is None:
        return what
    return f"{access_label(match['base'])} ({gettext(match['detail'])})"
