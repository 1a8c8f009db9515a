"""The public expression-of-interest form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from tod.widgets import DateInput

from ..models import Kind
from .common import plausible_birth_date


class InterestForm(forms.Form):
    """The public form: short, friendly, and hard to abuse (see the view)."""

    kind = forms.ChoiceField(
        label=_("I would like to"),
        choices=[
            (Kind.SUPPORTER, _("become a peer supporter")),
            (Kind.PEER, _("get a peer supporter")),
        ],
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("female", _("Female")), ("male", _("Male")), ("other", _("Other"))],
    )
    phone = PhoneNumberField(label=_("Phone"), required=False, region="DK")
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    postcode = forms.CharField(label=_("Postcode"), max_length=4, min_length=4)
    message = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_consent = forms.BooleanField(
        label=_("You may contact me about the programme"),
    )
    # The honeypot: hidden from people by CSS and from screen readers; bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_date_of_birth(self):
        return plausible_birth_date(self.cleaned_data["date_of_birth"])

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("A Danish postcode has four digits, for example 2200."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and not self.has_error("phone"):
            self.add_error("phone", _("Give a phone number or an e-mail so we can reach you."))
        return cleaned

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
