"""The privacy registry: which models hold personal data, whose it is, and which of their fields
identify or mention people; declared by each app in its `privacy.py` (found by
`PrivacyConfig.ready`, as the admin finds `admin.py`), read by the access export and by erasure
(tod.privacy). tod imports no domain app; the apps come to it. It is a module of its own, below
every part of the platform: accounts, audit and the outbox declare their data here, and
tod.privacy, which reads it, uses them.

A declaration names, for one model:

- `subjects`: the lookups from the model to the participant the row is *about*, each with an
  optional condition (an interview is the peer's when `informant_type` is "peer", the
  supporter's when it is "supporter"). A row about another person is never in someone's export
  and never touched by their erasure, even when it hangs off their pair.
- `written_by`: lookups to the login of the person who wrote the row (a supporter's logbook, a
  topic raised from it): what a person wrote is theirs too.
- `identifiers`: fields that identify the subject (name, contact, address, postcode, coordinates,
  birth date); erasure clears them on the subject's own rows and in the audit trail of those rows.
- `free_text`: fields in which anyone can write about anyone ("Talked with Hr. Madsen"); erasure
  searches them, in the person's own site only, for the person's identifiers.
- `other`: the remaining text fields, which hold no personal data (codes, tokens, paths).
- `site`: the lookup to the row's site, required when the model has free text: erasure reads
  nothing outside the person's site.

`holds_none(model, why)` declares a model without personal data, and `register_retention` who the
nightly erasure may take once their site's retention period has passed. The system check
`privacy.E001` fails when a project model with text, JSON or coordinate fields, or a link to a
participant, is declared nowhere, or when a declared text field is classified nowhere, so a new
model or field cannot slip past the export and erasure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Subject:
    """The row is about the participant at `lookup` (when `when` holds)."""

    lookup: str
    when: Q | None = None

    def q(self, value) -> Q:
        condition = Q(**{self.lookup: value})
        return condition & self.when if self.when is not None else condition


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    subjects: tuple[Subject, ...] = ()
    written_by: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    other: tuple[str, ...] = ()
    site: str | None = None
    # Called with (row, by=) for each of the subject's own rows instead of clearing the
    # identifiers field by field: the app's own erasure (it knows what must stay, e.g. the
    # year of birth for the evaluation).
    erase: Callable | None = None

    def rows_of(self, participant) -> models.QuerySet:
        """The rows about the participant or written by them."""
        query = Q(pk__in=[])
        for subject in self.subjects:
            query |= subject.q(participant.pk)
        if participant.user_id:
            for lookup in self.written_by:
                query |= Q(**{lookup: participant.user_id})
        return self.model._default_manager.filter(query).distinct()


@dataclass(frozen=True)
class NoPersonalData:
    model: type[models.Model]
    why: str


_declarations: dict[type[models.Model], PersonalData | NoPersonalData] = {}
_kept_input: dict[str, type[models.Model]] = {}


def _as_subject(value) -> Subject:
    return value if isinstance(value, Subject) else Subject(value)


def personal_data(
    model: type[models.Model],
    *,
    subjects=(),
    written_by=(),
    identifiers=(),
    free_text=(),
    other=(),
    site: str | None = None,
    erase: Callable | None = None,
) -> PersonalData:
    """Declare the model's personal data (see the module's docstring)."""
    declaration = PersonalData(
        model=model,
        subjects=tuple(_as_subject(subject) for subject in subjects),
        written_by=tuple(written_by),
        identifiers=tuple(identifiers),
        free_text=tuple(free_text),
        other=tuple(other),
        site=site,
        erase=erase,
    )
    _declarations[model] = declaration
    return declaration


def holds_none(model: type[models.Model], why: str) -> NoPersonalData:
    """Declare that the model holds no personal data, and why."""
    declaration = NoPersonalData(model=model, why=why)
    _declarations[model] = declaration
    return declaration


def kept_input(prefix: str, model: type[models.Model]) -> None:
    """Input kept in a session under "<prefix>:<pk>" (tod.accounts.kept_input) belongs to whoever
    the row `model(pk)` belongs to: erasing them ends the session that holds it."""
    _kept_input[prefix] = model


def declarations() -> list[PersonalData]:
    return [d for d in _declarations.values() if isinstance(d, PersonalData)]


def declaration_of(model: type[models.Model]) -> PersonalData | NoPersonalData | None:
    return _declarations.get(model)


def kept_input_models() -> dict[str, type[models.Model]]:
    return dict(_kept_input)


# Who retention may erase: one query, registered by the app that holds the participants.
_retention: list[Callable[[], Iterable[models.Model]]] = []


def register_retention(candidates: Callable[[], Iterable[models.Model]]) -> None:
    """Register `candidates()`: the participants (settings.PARTICIPANT_MODEL) who left or finished
    the programme and are not erased yet, each with `last_activity` (a date) and its `site`
    (whose `retention_days` counts from it). Registering again replaces it."""
    _retention[:] = [candidates]


def retention_candidates() -> Iterable[models.Model]:
    """The registered candidates for erasure by retention (see `register_retention`)."""
    if not _retention:
        raise ImproperlyConfigured(
            "No app registered who retention may erase: call "
            "tod.personal_data.register_retention() in the privacy.py of the participants' app"
        )
    return _retention[0]()
