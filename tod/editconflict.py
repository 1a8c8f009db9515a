"""Two people editing one record: the second save must not silently undo the first.

`EditConflictMixin` for a ModelForm adds a hidden `version` field: a signed digest, field by
field, of the record's saved values when the form was shown. When the form comes back, the
record's values now are digested again; if any field differs, someone else saved in between,
and the form is refused with a message naming what they changed and what it is now. What the
second person typed stays in the form, and the form now carries the current version, so
saving again (after a look at the changes) is a deliberate choice, not an accident.

- A post without the field (an old page, a script) is saved as before: the check is for people
  editing at the same time, not a permission.
- A post that changes nothing against the record as it is now, although it was made from an
  older version, is a repeated post (the same form sent twice, or two people typing the same):
  `form.repeated` is True and the view answers "Already saved" as tod.once does.
- Digests, not values, travel in the page: the hidden field holds no personal data.

The check runs while the form is validated; a view that wants it to hold against two saves in
the same instant validates inside a transaction that locks the record (`select_for_update`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.models import model_to_dict
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

VERSION_FIELD = "version"
_SALT = "tod.editconflict"


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, models.Model):
            return o.pk
        try:
            return super().default(o)
        except TypeError:
            return str(o)  # a phone number, for one


def _digest(value) -> str:
    if isinstance(value, list | tuple | set):
        value = sorted(value, key=lambda item: json.dumps(item, cls=_Encoder, sort_keys=True))
    text = json.dumps(value, cls=_Encoder, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class EditConflictMixin:
    """For a form that edits one stored record (put it first among the bases): refuses a save
    made from an outdated version of the record. A ModelForm needs nothing more; another form
    says what it edits with `versioned_values()`."""

    conflict_message = gettext_lazy(
        "Someone else saved this record after you opened it. What they changed is now: "
        "%(changes)s. Your input is kept below and is not saved: check it against their "
        "changes, then save again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.repeated = False
        self.conflicts: list[tuple[str, str]] = []
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[VERSION_FIELD] = signing.dumps(self._digests(), salt=_SALT, compress=True)

    def versioned_values(self) -> dict:
        """The record's stored values that the form edits, by form field name, as they are
        now. A ModelForm: its instance's values for its model fields."""
        names = {field.name for field in self.instance._meta.get_fields()}
        fields = [name for name in self.fields if name in names and name != VERSION_FIELD]
        return model_to_dict(self.instance, fields=fields)

    def _digests(self) -> dict[str, str]:
        return {name: _digest(value) for name, value in self.versioned_values().items()}

    def _shown(self, name: str, value) -> str:
        """A stored value as the form offers it: a choice by its label."""
        from tod.audit.presentation import value_label

        instance = getattr(self, "instance", None)
        field = None
        if instance is not None:
            try:
                field = instance._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        if isinstance(field, models.ForeignKey):
            related = getattr(instance, field.name, None)
            return str(related) if related is not None else value_label(None, None)
        if field is not None and field.many_to_many:
            return value_label(None, [str(item) for item in value])
        choices = getattr(self.fields.get(name), "choices", None)
        if choices:
            labels = {str(key): str(label) for key, label in choices}
            values = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(str(v), str(v)) for v in values if v not in ("", None)) or (
                value_label(None, None)
            )
        if field is not None:
            return value_label(field, value)
        if isinstance(value, dt.date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return value_label(None, value)

    def clean(self):
        cleaned = super().clean()
        self.cleaned_data.pop(VERSION_FIELD, None)  # bookkeeping, never a value to store
        posted = self.data.get(self.add_prefix(VERSION_FIELD))
        if posted is None:
            return cleaned  # an old page or a script: saved as before
        try:
            seen = signing.loads(posted, salt=_SALT)
        except signing.BadSignature:
            seen = {}
        now = self._digests()
        changed = [name for name, digest in now.items() if seen.get(name) != digest]
        if not changed:
            return cleaned
        # The record moved on since the form was shown.
        self.repeated = not [name for name in self.changed_data if name in now]
        values = self.versioned_values()
        self.conflicts = [
            (str(capfirst(self.fields[name].label or name)), self._shown(name, values[name]))
            for name in changed
        ]
        # Saving again means "my input over theirs": the form now carries the current version.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = self.initial[VERSION_FIELD]
        raise forms.ValidationError(
            self.conflict_message
            % {"changes": "; ".join(f"{label}: {value}" for label, value in self.conflicts)},
            code="edit_conflict",
        )
