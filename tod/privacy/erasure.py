"""Erasure of a participant's personal data (on request, or when the site's retention period has
passed). The programme keeps its pseudonymised records; the person's identifiers go.

What is erased, from the apps' declarations (tod/personal_data.py):

- on the person's own rows (about them or written by them): the identifier fields (each app's
  own `erase` where it has one, else cleared), and in their free text every identifier of the
  person, their first and last name and postcode alone included;
- in the free text of every other row *of the person's site*: their identifiers in the common
  spellings (identifiers.py): "Bent Madsen", "Hr. Madsen", "B. Madsen", the phone number with
  any separators, the e-mail, the street address. Nothing outside the site is read, so a person
  of the same name elsewhere keeps theirs;
- the audit trail of those rows (the identifier fields of the person's rows, the spellings in
  the rest), the sessions that hold their data (their login's, or input kept for a row of
  theirs), and the admin's log of their rows.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from tod.accounts.services import system_user
from tod.audit.context import acting_as, audit_maintenance
from tod.audit.models import AuditEvent
from tod.personal_data import (
    PersonalData,
    declarations,
    kept_input_models,
    retention_candidates,
)

from .identifiers import ERASED, Identifiers, replace
from .models import ErasureReason, ErasureRecord


def identifying_values(participant) -> list[str]:
    """The participant's identifiers as written in their record (for scans in tests)."""
    return Identifiers(participant).values


def _own_rows(participant) -> dict[PersonalData, list[models.Model]]:
    own = {}
    for declaration in declarations():
        if declaration.subjects or declaration.written_by:
            rows = list(declaration.rows_of(participant))
            if rows:
                own[declaration] = rows
    return own


def _cleared(field: models.Field):
    if field.null:
        return None
    if isinstance(field, models.JSONField):
        return field.get_default()
    if isinstance(field, models.CharField | models.TextField):
        return ""
    return getattr(field, "default", None)


def _clear_identifiers(declaration: PersonalData, row: models.Model, *, by) -> None:
    if declaration.erase is not None:
        declaration.erase(row, by=by)
        return
    values = {}
    for name in declaration.identifiers:
        field = row._meta.get_field(name)
        values[field.attname] = _cleared(field)
    if values:
        type(row)._default_manager.filter(pk=row.pk).update(**values)


def _scrub_row(declaration: PersonalData, row: models.Model, pattern) -> bool:
    """Replace the pattern in the row's free text; True when anything changed."""
    model = type(row)
    current = model._default_manager.filter(pk=row.pk).values(*declaration.free_text).first()
    if current is None:
        return False
    changed = {}
    for name in declaration.free_text:
        old = current[name]
        new = replace(old, pattern)
        if new != old:
            field = model._meta.get_field(name)
            if isinstance(new, str) and getattr(field, "max_length", None):
                new = new[: field.max_length]
            changed[name] = new
    if changed:
        model._default_manager.filter(pk=row.pk).update(**changed)
    return bool(changed)


def _text_matches(fields, regex: str) -> tuple[dict, Q]:
    """Annotations casting each field to text, and a filter for any of them matching."""
    annotations, query = {}, Q()
    for index, name in enumerate(fields):
        alias = f"_privacy_text_{index}"
        annotations[alias] = Cast(name, TextField())
        query |= Q(**{f"{alias}__iregex": regex})
    return annotations, query


def _scrub_site(site_id, identifiers: Identifiers, own: set[tuple[str, str]]) -> int:
    """The person's identifiers out of the free text of every other row of their site."""
    scrubbed = 0
    for declaration in declarations():
        if not declaration.free_text or not declaration.site:
            continue
        annotations, query = _text_matches(declaration.free_text, identifiers.site_regex)
        rows = (
            declaration.model._default_manager.filter(**{declaration.site: site_id})
            .annotate(**annotations)
            .filter(query)
            .only("pk")
        )
        for row in rows:
            if (row._meta.db_table, str(row.pk)) not in own:
                scrubbed += _scrub_row(declaration, row, identifiers.site_pattern)
    return scrubbed


def _in_site(declaration: PersonalData, row_id: str, data: dict, site_id) -> bool:
    """Whether the audited row is in the site: the row itself, or (deleted) its copy's link."""
    model = declaration.model
    if model._default_manager.filter(pk=row_id).exists():
        return model._default_manager.filter(pk=row_id, **{declaration.site: site_id}).exists()
    first, _, rest = declaration.site.partition("__")
    field = model._meta.get_field(first)
    value = data.get(field.attname)
    if value is None:
        return False
    if not rest:
        return str(value) == str(site_id)
    return field.related_model._default_manager.filter(pk=value, **{rest: site_id}).exists()


def _own_events(participant, own_rows) -> dict[int, PersonalData]:
    """{audit event id: declaration} of the person's rows, deleted ones included (found by the
    link to the person in the row's copy)."""
    found = {}
    for declaration, rows in own_rows.items():
        table = declaration.model._meta.db_table
        query = Q(row_id__in=[str(row.pk) for row in rows])
        for subject in declaration.subjects:
            if "__" in subject.lookup or subject.lookup == "pk":
                continue
            field = declaration.model._meta.get_field(subject.lookup)
            if not getattr(field, "concrete", False):
                continue  # a reverse link (the login's participant): found by row id above
            attname = field.attname
            query |= Q(**{f"old__{attname}": participant.pk}) | Q(
                **{f"new__{attname}": participant.pk}
            )
        for pk in AuditEvent.objects.filter(query, table_name=table).values_list("pk", flat=True):
            found[pk] = declaration
    return found


def _without_identifiers(data, declaration: PersonalData, pattern):
    if not isinstance(data, dict):
        return replace(data, pattern)
    cleaned = replace(data, pattern)
    for name in declaration.identifiers:
        attname = declaration.model._meta.get_field(name).attname
        if cleaned.get(attname) not in (None, ""):
            cleaned[attname] = ERASED
    return cleaned


def _scrub_audit(participant, identifiers: Identifiers, own_rows) -> int:
    """The person's identifiers out of the audit trail of their rows and of the rows of their
    site that mentioned them: the only rewrite the trail allows (maintenance mode)."""
    own_events = _own_events(participant, own_rows)
    by_table = {d.model._meta.db_table: d for d in declarations() if d.site}
    annotations = {
        "_old": Coalesce(Cast("old", TextField()), Value("", output_field=TextField())),
        "_new": Coalesce(Cast("new", TextField()), Value("", output_field=TextField())),
    }
    mentioning = AuditEvent.objects.annotate(**annotations).filter(
        Q(_old__iregex=identifiers.site_regex) | Q(_new__iregex=identifiers.site_regex),
        table_name__in=list(by_table),
    )
    count = 0
    with audit_maintenance():
        for event in AuditEvent.objects.filter(pk__in=list(own_events)):
            declaration = own_events[event.pk]
            old = _without_identifiers(event.old, declaration, identifiers.own_pattern)
            new = _without_identifiers(event.new, declaration, identifiers.own_pattern)
            if (old, new) != (event.old, event.new):
                AuditEvent.objects.filter(pk=event.pk).update(old=old, new=new)
                count += 1
        for event in mentioning.exclude(pk__in=list(own_events)):
            declaration = by_table[event.table_name]
            copy = event.old or event.new or {}
            if not _in_site(declaration, event.row_id, copy, participant.site_id):
                continue
            old = replace(event.old, identifiers.site_pattern)
            new = replace(event.new, identifiers.site_pattern)
            if (old, new) != (event.old, event.new):
                AuditEvent.objects.filter(pk=event.pk).update(old=old, new=new)
                count += 1
    return count


def _end_sessions(participant, identifiers: Identifiers, own_rows) -> int:
    """Delete the sessions holding the person's data: their login's, those with input kept for
    a row of theirs (a rescued logbook), and any whose data names them."""
    from django.contrib.sessions.models import Session

    from tod.accounts.kept_input import SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore
    own_pks = {
        model: {str(row.pk) for d, rows in own_rows.items() if d.model is model for row in rows}
        for model in kept_input_models().values()
    }
    prefixes = kept_input_models()
    ended = 0
    for session in Session.objects.all().iterator():
        data = store().decode(session.session_data)
        user_id = str(participant.user_id) if participant.user_id else None
        holds = user_id is not None and str(data.get("_auth_user_id")) == user_id
        for key, entry in (data.get(SESSION_KEY) or {}).items():
            prefix, _, pk = str(key).rpartition(":")
            model = prefixes.get(prefix)
            if model is not None and pk in own_pks.get(model, set()):
                holds = True
            if user_id is not None and str((entry or {}).get("user")) == user_id:
                holds = True
        if not holds:
            holds = bool(identifiers.site_pattern.search(json.dumps(data, ensure_ascii=False)))
        if holds:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def _scrub_admin_log(own_rows, pattern) -> None:
    if not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    types = ContentType.objects.get_for_models(*(d.model for d in own_rows))
    query = Q(pk__in=[])
    for declaration, rows in own_rows.items():
        query |= Q(
            content_type=types[declaration.model], object_id__in=[str(row.pk) for row in rows]
        )
    for entry in LogEntry.objects.filter(query):
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=ERASED, change_message=replace(entry.change_message, pattern)
        )


@transaction.atomic
def participant_erase(*, participant, by, reason: str = ErasureReason.REQUEST) -> ErasureRecord:
    """Erase the participant's personal data (see the module's docstring). Idempotent: a second
    call returns the first erasure's record."""
    existing = ErasureRecord.objects.filter(participant=participant).first()
    if existing is not None:
        return existing
    by = by or system_user()
    identifiers = Identifiers(participant)
    own_rows = _own_rows(participant)
    own = {(row._meta.db_table, str(row.pk)) for rows in own_rows.values() for row in rows}
    scrubbed = 0
    with acting_as(by):
        for declaration, rows in own_rows.items():
            for row in rows:
                _clear_identifiers(declaration, row, by=by)
                if declaration.free_text:
                    scrubbed += _scrub_row(declaration, row, identifiers.own_pattern)
        scrubbed += _scrub_site(participant.site_id, identifiers, own)
    audit = _scrub_audit(participant, identifiers, own_rows)
    _end_sessions(participant, identifiers, own_rows)
    _scrub_admin_log(own_rows, identifiers.own_pattern)
    return ErasureRecord.objects.create(
        participant=participant,
        reason=reason,
        erased_by=by,
        rows_scrubbed=scrubbed,
        audit_events_scrubbed=audit,
    )


def erase_past_retention(*, today: dt.date | None = None) -> int:
    """Daily: erase everyone past their site's retention period. Returns how many."""
    today = today or timezone.localdate()
    erased = 0
    for participant in retention_candidates():
        if participant.last_activity + dt.timedelta(days=participant.site.retention_days) < today:
            participant_erase(participant=participant, by=None, reason=ErasureReason.RETENTION)
            erased += 1
    return erased
