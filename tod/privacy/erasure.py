"""Erasure of a participant's personal data (on request, or when the site's retention period has
passed): the programme keeps its pseudonymised records, and no name, phone number, e-mail or
address of the participant remains in any text of the database, the audit trail included."""

from __future__ import annotations

import datetime as dt
import re

from django.apps import apps
from django.db import models, transaction
from django.db.models import F, Max, Q, TextField, Value
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils import timezone

from tod.accounts.services import system_user
from tod.audit.context import acting_as, audit_maintenance
from tod.audit.models import AuditEvent

from .access import collect
from .models import ErasureReason, ErasureRecord

ERASED = "[erased]"
SKIPPED_APPS = {"audit", "sessions", "admin", "contenttypes", "auth", "axes"}


def identifying_values(participant) -> list[str]:
    """The strings that identify the participant, in the forms they are written in."""
    values = [f"{participant.first_name} {participant.last_name}", participant.email]
    if participant.address:
        values.append(participant.address)
    phone = participant.phone
    if phone:
        national = phone.as_national if hasattr(phone, "as_national") else str(phone)
        values += [str(phone.as_e164), national, re.sub(r"\D", "", national)]
    return [value for value in dict.fromkeys(values) if value and len(value) >= 4]


def _text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.choices
        and not field.primary_key
    ]


def _replace(value, pattern: re.Pattern):
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_replace(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, pattern) for key, item in value.items()}
    return value


def _pattern(values: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)), re.I)


def _scrub_row(row: models.Model, pattern: re.Pattern) -> bool:
    changed = []
    for field in _text_fields(type(row)):
        old = getattr(row, field.attname)
        new = _replace(old, pattern)
        if new != old:
            if isinstance(new, str) and field.max_length:
                new = new[: field.max_length]
            setattr(row, field.attname, new)
            changed.append(field.attname)
    if changed:
        type(row)._default_manager.filter(pk=row.pk).update(
            **{name: getattr(row, name) for name in changed}
        )
    return bool(changed)


def _rows_containing(values: list[str]):
    """Every row of the project's models with any of the values in a text field."""
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS:
            continue
        for field in _text_fields(model):
            query = Q()
            for value in values:
                query |= Q(_text__icontains=value)
            rows = model._default_manager.annotate(_text=Cast(field.name, TextField()))
            yield from rows.filter(query)


@transaction.atomic
def participant_erase(*, participant, by, reason: str = ErasureReason.REQUEST) -> ErasureRecord:
    """Erase the participant's personal data everywhere. Idempotent: a second call returns the
    first erasure's record."""
    from programme.services import participant_erase_personal_data

    existing = ErasureRecord.objects.filter(participant=participant).first()
    if existing is not None:
        return existing
    by = by or system_user()
    everywhere = identifying_values(participant)
    own_rows_only = everywhere + [v for v in (participant.first_name,) if len(v) >= 3]
    rows = collect(participant)
    own_tables = {(row._meta.db_table, str(row.pk)) for group in rows.values() for row in group}
    with acting_as(by):
        participant_erase_personal_data(participant=participant, by=by)
        scrubbed = 0
        own_pattern = _pattern(own_rows_only)
        for group in collect(participant).values():
            for row in group:
                scrubbed += _scrub_row(row, own_pattern)
        global_pattern = _pattern(everywhere)
        for row in _rows_containing(everywhere):
            scrubbed += _scrub_row(row, global_pattern)
    audit = _scrub_audit(everywhere, own_rows_only, own_tables)
    return ErasureRecord.objects.create(
        participant=participant,
        reason=reason,
        erased_by=by,
        rows_scrubbed=scrubbed,
        audit_events_scrubbed=audit,
    )


def _scrub_audit(everywhere, own_rows_only, own_tables) -> int:
    """Clean the values out of the audit trail: the only rewrite it allows (maintenance mode)."""
    global_pattern, own_pattern = _pattern(everywhere), _pattern(own_rows_only)
    query = Q()
    for value in own_rows_only:
        query |= Q(_old__icontains=value) | Q(_new__icontains=value)
    events = AuditEvent.objects.annotate(
        _old=Coalesce(Cast("old", TextField()), Value("", output_field=TextField())),
        _new=Coalesce(Cast("new", TextField()), Value("", output_field=TextField())),
    ).filter(query)
    count = 0
    with audit_maintenance():
        for event in events:
            own = (event.table_name, event.row_id) in own_tables
            pattern = own_pattern if own else global_pattern
            old, new = _replace(event.old, pattern), _replace(event.new, pattern)
            if (old, new) != (event.old, event.new):
                AuditEvent.objects.filter(pk=event.pk).update(old=old, new=new)
                count += 1
    return count


def participants_with_last_activity():
    """Participants who left or finished the programme and are not erased yet, each with their
    last activity: the latest of the end of any pair, their withdrawal, their referral."""
    from programme.models import Participant, Status

    long_ago = Value(dt.date(1900, 1, 1))
    return (
        Participant.objects.filter(
            status__in=[Status.COMPLETED, Status.WITHDRAWN, Status.NOT_ELIGIBLE],
            erasure__isnull=True,
        )
        .annotate(
            last_activity=Greatest(
                Coalesce(Max("pairs_as_peer__ended_on"), long_ago),
                Coalesce(Max("pairs_as_supporter__ended_on"), long_ago),
                Coalesce(F("withdrawal__withdrawn_on"), long_ago),
                TruncDate("created_at"),
            )
        )
        .select_related("site")
        .order_by("pk")
    )


def erase_past_retention(*, today: dt.date | None = None) -> int:
    """Daily: erase everyone past their site's retention period. Returns how many."""
    today = today or timezone.localdate()
    erased = 0
    for participant in participants_with_last_activity():
        if participant.last_activity + dt.timedelta(days=participant.site.retention_days) < today:
            participant_erase(participant=participant, by=None, reason=ErasureReason.RETENTION)
            erased += 1
    return erased
