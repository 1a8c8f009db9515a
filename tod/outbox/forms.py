from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, ContactPreference, ReminderKind, ReminderStatus


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + ReminderStatus.choices,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + ReminderKind.choices
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All"))] + Channel.choices
    )


class ContactPreferenceForm(forms.ModelForm):
    class Meta:
        model = ContactPreference
        fields = ["email", "sms"]
