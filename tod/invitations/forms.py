"""The manager's invitation form, the invitee's password form and the access expiry form."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Invitation, Role
from tod.outbox.channels import MessageRefused
from tod.outbox.channels.sms import e164

from .services import STAFF_ROLES


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=[(role.value, role.label) for role in STAFF_ROLES]
    )
    channel = forms.ChoiceField(
        label=_("Send the invitation by"),
        choices=Invitation.Channel.choices,
        widget=forms.RadioSelect,
        initial=Invitation.Channel.EMAIL,
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, required=False, help_text=_("For an SMS.")
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("da", _("Danish")), ("en", _("English"))], initial="da"
    )
    access_expires_on = forms.DateField(
        label=_("Access ends after"),
        required=False,
        help_text=_("Optional: the last day this person may log in."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_phone(self) -> str:
        """A number the SMS channel will take, as E.164 (+4520304050); a national number is
        read as Danish."""
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return e164(phone)
        except MessageRefused as exc:
            raise forms.ValidationError(_("That is not a valid mobile number.")) from exc

    def clean(self):
        cleaned = super().clean()
        channel = cleaned.get("channel")
        if channel == Invitation.Channel.EMAIL and not cleaned.get("email"):
            self.add_error("email", _("An invitation by e-mail needs an e-mail address."))
        if channel == Invitation.Channel.SMS and not cleaned.get("phone"):
            self.add_error("phone", _("An invitation by SMS needs a phone number."))
        if cleaned.get("role") == Role.SUPPORTER:
            self.add_error("role", _("Give a supporter a login from their participant page."))
        return cleaned


class GiveLoginForm(forms.Form):
    """A trained supporter's login: only the channel is chosen; the name, address and number
    come from the participant's record."""

    channel = forms.ChoiceField(
        label=_("Send the invitation by"),
        choices=Invitation.Channel.choices,
        widget=forms.RadioSelect,
    )


class AccessExpiryForm(forms.Form):
    access_expires_on = forms.DateField(
        label=_("Access ends after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ChoosePasswordForm(SetPasswordForm):
    """Django's form for a new password, with Django's validators (AUTH_PASSWORD_VALIDATORS)."""
