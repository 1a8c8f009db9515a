"""The participant's background on their record (programme.Background, ADR 0013)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import BACKGROUND_FIELDS, Background, Complication, Diagnosis

CHECKBOXES = forms.CheckboxSelectMultiple


class BackgroundForm(forms.ModelForm):
    """All seven fields; the match survey asks four of them and saves them on the same row."""

    complications = forms.MultipleChoiceField(
        label=_("Diabetes complications"),
        choices=Complication.choices,
        widget=CHECKBOXES,
        required=False,
    )
    other_diagnoses = forms.MultipleChoiceField(
        label=_("Other diagnoses"), choices=Diagnosis.choices, widget=CHECKBOXES, required=False
    )

    class Meta:
        model = Background
        fields = list(BACKGROUND_FIELDS)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in BACKGROUND_FIELDS}
