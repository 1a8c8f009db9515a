"""Reads the evaluation reuses: which participants may enter evaluation data, and a short list
read as one JSON column of the row it belongs to (JSONRows). Nothing of a participant enters
evaluation data without their evaluation consent (programme's Consent records: the latest
answer for the evaluation purpose must be 'given')."""

from __future__ import annotations

import decimal
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, NotSupportedError
from django.db.models import DecimalField, F, JSONField, Model, Q, QuerySet, Subquery

from programme.models import Participant


def evaluation_consented() -> QuerySet[Participant]:
    return Participant.objects.with_evaluation_consent()


def evaluation_consent_q(prefix: str = "") -> Q:
    """A filter on Participant (or on a relation to it, with `prefix` like 'peer__') for the
    participants whose latest evaluation consent is 'given', as one subquery."""
    field = f"{prefix[:-2]}__in" if prefix else "pk__in"
    return Q(**{field: evaluation_consented().values("pk")})


def has_evaluation_consent(participant: Participant) -> bool:
    return evaluation_consented().filter(pk=participant.pk).exists()


def installation_redactor():
    """A Redactor that knows every person of the installation: the participants of all sites
    (a name from another site is a name too: people move, pairs talk about friends) and every
    user (the staff, and supporters with a login). One query: both lists are JSON columns of
    one row, so a page that shows free text pays one query for it whatever the numbers."""
    from tod.accounts.models import Site, User

    from .pseudonyms import Redactor

    people = JSONRows(
        Participant.objects.filter(erased_at__isnull=True),
        ("id", "kind", "first_name", "last_name", "email", "address", "phone"),
        order_by=("id",),
    )
    staff = JSONRows(User.objects.all(), ("id", "first_name", "last_name", "email"), ("id",))
    # Any one row carries the two columns; without a site there are no participants.
    rows = Site.objects.order_by().values(redact_people=people, redact_staff=staff)[:1]
    row = next(iter(rows), None) or {
        "redact_people": [],
        "redact_staff": list(User.objects.values("id", "first_name", "last_name", "email")),
    }
    # Building the Redactor's dictionary takes half a second for 5,000 people; the rows change
    # rarely, so the Redactor is kept per process for the rows it was built from (and the key).
    key = hash(
        (
            settings.EVALUATION_PSEUDONYM_KEY,
            tuple(tuple(p.values()) for p in row["redact_people"]),
            tuple(tuple(u.values()) for u in row["redact_staff"]),
        )
    )
    redactor = _REDACTORS.get(key)
    if redactor is None:
        if len(_REDACTORS) >= 4:
            _REDACTORS.clear()
        redactor = _REDACTORS[key] = Redactor(
            [SimpleNamespace(**p) for p in row["redact_people"]],
            staff=[SimpleNamespace(**u) for u in row["redact_staff"]],
        )
    return redactor


_REDACTORS: dict[int, Any] = {}


def redactor_for(user, site=None):
    """The Redactor for what `user` sees: the installation's (free text is pseudonymised
    whoever it mentions, consented or not, of whichever site)."""
    return installation_redactor()


def redactor_for_site(site):
    """The Redactor texts are stored through: the installation's, as for reading."""
    return installation_redactor()


# --- Short lists read with the row they belong to ---------------------------------------------

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class JSONRows(Subquery):
    """The rows of `queryset` (the values of `fields`, in `order_by`) as one JSON array column:
    a short list (a record's evidence, a case's interviews, a form's choices) read alongside the
    row it belongs to instead of in a query of its own. `queryset` may use OuterRef. Each item
    is a dict keyed by the field paths ('theory__version'); turn them into instances with
    `rows_as`.

    Aggregated in SQL: JSONB_AGG ... ORDER BY on PostgreSQL; on SQLite JSON_GROUP_ARRAY over the
    ordered subquery (SQLite keeps a subquery's ORDER BY under an aggregate and does not flatten
    it into the aggregate's query). Meant for plain columns (numbers, text, dates): dates come
    back as ISO strings, which `rows_as` converts; a JSON column would come back as text on
    SQLite.
    """

    def __init__(self, queryset: QuerySet, fields: Sequence[str], order_by: Sequence[str]):
        for path in (*fields, *(key.removeprefix("-") for key in order_by)):
            if not _KEY.match(path):
                raise ValueError(f"JSONRows: {path!r} is not a field path")
        self.keys = tuple(fields)
        self.descending = tuple(key.startswith("-") for key in order_by)
        columns = {f"c{i}": F(path) for i, path in enumerate(self.keys)}
        columns |= {f"o{i}": F(key.removeprefix("-")) for i, key in enumerate(order_by)}
        super().__init__(queryset.order_by(*order_by).values(**columns), output_field=JSONField())

    def as_sql(self, compiler, connection, template=None, **extra_context):
        if template is None:
            raise NotSupportedError(f"JSONRows has no JSON aggregate for {connection.vendor}")
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def _pairs(self) -> str:
        return ", ".join(f"'{key}', json_rows.c{i}" for i, key in enumerate(self.keys))

    def as_sqlite(self, compiler, connection, **extra_context):
        template = (
            f"(SELECT JSON_GROUP_ARRAY(JSON_OBJECT({self._pairs()})) "
            "FROM (%(subquery)s) AS json_rows)"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        order = ", ".join(
            f"json_rows.o{i} {'DESC' if desc else 'ASC'}" for i, desc in enumerate(self.descending)
        )
        order_by = f" ORDER BY {order}" if order else ""
        template = (
            f"(SELECT COALESCE(JSONB_AGG(JSONB_BUILD_OBJECT({self._pairs()}){order_by}), "
            "'[]'::jsonb) FROM (%(subquery)s) AS json_rows)"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


def rows_as(model: type[Model], rows: Iterable[dict[str, Any]]) -> list[Model]:
    """Instances of `model` from JSONRows items: the model's own fields given (by attname; the
    others deferred, so reading one of them would be a query of its own), and the related
    object of a key like 'theory__version' (give its 'theory__id') built and attached."""
    instances = []
    for row in rows:
        own: dict[str, Any] = {}
        related: dict[str, dict[str, Any]] = defaultdict(dict)
        for key, value in row.items():
            name, _sep, rest = key.partition("__")
            if rest:
                related[name][rest] = value
            else:
                own[key] = value
        instance = _instance(model, own)
        for name, values in related.items():
            setattr(instance, name, _instance(model._meta.get_field(name).related_model, values))
        instances.append(instance)
    return instances


def _instance(model: type[Model], values: dict[str, Any]) -> Model:
    fields = [field for field in model._meta.concrete_fields if field.attname in values]
    if len(fields) != len(values):
        unknown = set(values) - {field.attname for field in fields}
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    return model.from_db(
        DEFAULT_DB_ALIAS,
        [field.attname for field in fields],
        [field.to_python(_json_value(field, values[field.attname])) for field in fields],
    )


def _json_value(field, value):
    """A JSONRows value as the database backend would give the column: decimals with their
    decimal places (as SQLite's converter makes them), JSON columns parsed (SQLite nests them
    as text)."""
    if value is None:
        return value
    if isinstance(field, DecimalField):
        exact = (
            decimal.Context(prec=15).create_decimal_from_float(value)
            if isinstance(value, float)
            else decimal.Decimal(value)
        )
        return exact.quantize(
            decimal.Decimal(1).scaleb(-field.decimal_places), context=field.context
        )
    if isinstance(field, JSONField) and isinstance(value, str):
        return json.loads(value)
    return value
