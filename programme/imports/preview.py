"""The preview: every row of the file checked by the register form and the duplicate rule, and
sorted into what the confirm will do with it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tod.accounts.models import Site

from ..forms.recruitment import ParticipantDetailsForm
from ..models import ImportUpload, Participant, Round, twin_key
from .columns import (
    COLUMNS,
    REQUIRED_COLUMNS,
    columns_of,
    form_value,
    header_label,
    unknown_headers,
)
from .reading import ImportFileError, Table, read_table

# Stored twins are looked up for this many rows per query (one OR of the duplicate rule each).
TWIN_BATCH = 500


class RowOutcome(models.TextChoices):
    NEW = "new", gettext_lazy("New")
    EXISTING = "existing", gettext_lazy("Already registered")
    REPEATED = "repeated", gettext_lazy("Repeats an earlier row")
    ERROR = "error", gettext_lazy("Error")


@dataclass
class ImportRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    name: str
    date_of_birth: str  # as written in the file
    outcome: str = RowOutcome.NEW
    errors: list[str] = field(default_factory=list)
    duplicates: list[Participant] = field(default_factory=list)
    repeats_row: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the form's cleaned data

    def get_outcome_display(self) -> str:
        return str(RowOutcome(self.outcome).label)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    ignored_columns: list[str]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in RowOutcome.values}

    def new_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.outcome == RowOutcome.NEW]


class _RowForm(ParticipantDetailsForm):
    """ParticipantDetailsForm with one set of fields for all the rows of a file. Django deep-copies
    a form's fields for every form made (so that changing one form's fields cannot reach
    another), which took more time than checking the row; checking changes nothing in them, so
    the rows of one preview share the fields of one ParticipantDetailsForm."""

    def __init__(
        self,
        data: dict[str, str] | None = None,
        files: None = None,
        *,
        instance: Participant,
        fields: dict[str, forms.Field],
        initial: dict[str, object] | None = None,
    ) -> None:
        forms.ModelForm.__init__(self, data, files, instance=instance, initial=initial)
        self.fields = fields


_RowForm.base_fields = {}  # nothing to copy: the fields come from the preview


def preview_upload(upload: ImportUpload) -> ImportPreview:
    """Raises ImportFileError when the file cannot be read as a list of participants."""
    table = read_table(bytes(upload.content), upload.file_format)
    return preview_table(
        table,
        site=upload.site,
        round_=upload.round,
        default_kind=upload.default_kind,
        default_channel=upload.default_channel,
    )


def check_columns(header: list[str], *, default_kind: str = "", default_channel: str = "") -> None:
    """Raises ImportFileError when a column the rows need is missing (and not chosen for the
    whole file)."""
    found = set(columns_of(header).values())
    missing = [name for name in REQUIRED_COLUMNS if name not in found]
    if "kind" not in found and not default_kind:
        missing.append("kind")
    if "referral_channel" not in found and not default_channel:
        missing.append("referral_channel")
    if "sex" not in found:
        missing.append("sex")
    if missing:
        missing.sort(key=COLUMNS.index)
        raise ImportFileError(
            _(
                "The file has no column for: %(columns)s. The first row must name the columns "
                "as the template does (the role and the referral channel may instead be chosen "
                "for the whole file)."
            )
            % {
                "columns": ", ".join(
                    header_label(name, translation.get_language() or "da") for name in missing
                )
            }
        )


def preview_table(
    table: Table,
    *,
    site: Site,
    round_: Round,
    default_kind: str = "",
    default_channel: str = "",
) -> ImportPreview:
    check_columns(table.header, default_kind=default_kind, default_channel=default_channel)
    columns = columns_of(table.header)
    rows: list[ImportRow] = []
    first_of: dict[tuple, int] = {}  # twin key -> the number of the first row with it
    to_look_up: list[ImportRow] = []
    fields = ParticipantDetailsForm().fields
    for number, cells in table.rows:
        data = {
            name: form_value(name, cells[index] if index < len(cells) else None)
            for index, name in columns.items()
        }
        data["kind"] = data.get("kind") or default_kind
        data["referral_channel"] = data.get("referral_channel") or default_channel
        data["preferred_language"] = data.get("preferred_language") or "da"
        row = ImportRow(
            number=number,
            name=f"{data.get('first_name', '')} {data.get('last_name', '')}".strip(),
            date_of_birth=data.get("date_of_birth", ""),
        )
        rows.append(row)
        form = _RowForm(data, instance=Participant(site=site, round=round_), fields=fields)
        if not form.is_valid():
            row.outcome = RowOutcome.ERROR
            for name, messages in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                row.errors += [
                    f"{label}: {message}" if label else str(message) for message in messages
                ]
            continue
        row.fields = form.cleaned_data
        key = twin_key(
            row.fields["first_name"], row.fields["last_name"], row.fields["date_of_birth"]
        )
        if key in first_of:
            row.outcome = RowOutcome.REPEATED
            row.repeats_row = first_of[key]
            continue
        first_of[key] = number
        to_look_up.append(row)
    _mark_stored_twins(to_look_up, site=site)
    return ImportPreview(rows=rows, ignored_columns=unknown_headers(table.header))


def _mark_stored_twins(rows: list[ImportRow], *, site: Site) -> None:
    """Rows with a stored participant of the same name and date of birth (the duplicate rule,
    possible_duplicates_of) become EXISTING, with those participants to link to."""
    for start in range(0, len(rows), TWIN_BATCH):
        batch = rows[start : start + TWIN_BATCH]
        people = [
            (r.fields["first_name"], r.fields["last_name"], r.fields["date_of_birth"])
            for r in batch
        ]
        twins = (
            Participant.objects.possible_duplicates_of_any(site=site, people=people)
            .only("pk", "first_name", "last_name", "date_of_birth")
            .order_by("pk")
        )
        stored = defaultdict(list)
        for twin in twins:
            stored[twin_key(twin.first_name, twin.last_name, twin.date_of_birth)].append(twin)
        for row, person in zip(batch, people, strict=True):
            found = stored.get(twin_key(*person))
            if found:
                row.outcome = RowOutcome.EXISTING
                row.duplicates = found
