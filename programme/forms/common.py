"""What the programme's forms share: the date-time input, the date checks, a multiple choice
that refuses an id past the integer range, and the choice of sites and rounds by the user's own."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Site

from ..models import Round


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def not_in_future(value: dt.date | None) -> dt.date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


def plausible_birth_date(value: dt.date) -> dt.date:
    today = timezone.localdate()
    if value > today:
        raise forms.ValidationError(_("The date of birth cannot be in the future."))
    if value.year < today.year - 110 or value.year > today.year - 16:
        raise forms.ValidationError(_("Check the date of birth: the age must be 16 to 110."))
    return value


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id past the 64-bit integer range as an invalid choice. PostgreSQL
    and Django's `=` lookup cope with such a number; SQLite's `IN` does not (OverflowError, a
    server error), and the form fuzzer (tests/security/test_form_fuzz.py) posts one."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: Django's own check refuses it
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class SiteScopedFormMixin:
    """Limits the site and round choices to the sites the user works in."""

    def scope_to(self, user) -> None:
        sites = Site.objects.filter(staff=user)
        if "site" in self.fields:
            self.fields["site"].queryset = sites
            if sites.count() == 1:
                self.fields["site"].initial = sites.first()
                self.fields["site"].widget = forms.HiddenInput()
        if "round" in self.fields:
            self.fields["round"].queryset = Round.objects.filter(site__staff=user).select_related(
                "site"
            )

    def clean(self):
        cleaned = super().clean()
        site, round_ = cleaned.get("site"), cleaned.get("round")
        if site and round_ and round_.site_id != site.pk:
            self.add_error("round", _("Choose a round of the same site."))
        return cleaned
