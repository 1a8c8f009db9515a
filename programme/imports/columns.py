"""The file's columns: which field each is, the headers accepted (Danish or English, as the
templates write them, or the field's own name), and each cell turned into what the register
form takes."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import cast

from django.db import models
from django.utils import translation
from django.utils.text import capfirst

from ..forms.recruitment import ParticipantDetailsForm
from ..models import Participant
from .reading import Cell

# The columns of the templates, in their order: the register form's fields (site and round are
# chosen for the whole file).
COLUMNS: tuple[str, ...] = tuple(ParticipantDetailsForm.Meta.fields)
# Without these columns no row can be checked: the file is refused as a whole. The role and the
# referral channel may instead be chosen for the whole file.
REQUIRED_COLUMNS = ("first_name", "last_name", "date_of_birth")
LANGUAGES = ("da", "en")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


def model_field(name: str) -> models.Field:
    """The participant's field of that name (a column is never a relation)."""
    return cast(models.Field, Participant._meta.get_field(name))


def choices_of(name: str) -> list[tuple[str, str]]:
    return list(model_field(name).choices or [])


def _normal(text: str) -> str:
    return re.sub(r"[\s_*:.-]+", " ", text).strip().casefold()


def header_label(name: str, language: str) -> str:
    with translation.override(language):
        return str(capfirst(model_field(name).verbose_name))


@cache
def _headers() -> dict[str, str]:
    """{normalised header: field name} for every language."""
    headers = {}
    for name in COLUMNS:
        headers[_normal(name)] = name
        for language in LANGUAGES:
            headers[_normal(header_label(name, language))] = name
    return headers


def columns_of(header: list[str]) -> dict[int, str]:
    """{column index: field name} for the recognised headers (the first of a repeated one)."""
    found: dict[int, str] = {}
    known = _headers()
    for index, text in enumerate(header):
        name = known.get(_normal(text))
        if name and name not in found.values():
            found[index] = name
    return found


def unknown_headers(header: list[str]) -> list[str]:
    known = _headers()
    return [text for text in header if text and _normal(text) not in known]


@cache
def _choices(name: str) -> dict[str, str]:
    """{normalised code or label in any language: code} of a choice field."""
    found = {}
    for code, label in choices_of(name):
        found[_normal(code)] = code
        for language in LANGUAGES:
            with translation.override(language):
                found[_normal(str(label))] = code
    return found


CHOICE_FIELDS = frozenset(name for name in COLUMNS if model_field(name).choices is not None)


def as_text(value: Cell) -> str:
    """A cell as the text a person typed: 2200.0 from a spreadsheet is 2200."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def form_value(name: str, value: Cell) -> str:
    """The cell as the register form takes it. A date in a known format becomes ISO; a choice
    given by its label (in Danish or English) becomes its code; anything unrecognised is passed
    on as it is, so the form's own message says what is wrong with it."""
    text = as_text(value)
    if name == "date_of_birth" and text:
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date().isoformat()  # noqa: DTZ007
            except ValueError:
                continue
    if name in CHOICE_FIELDS and text:
        return _choices(name).get(_normal(text), text)
    return text
