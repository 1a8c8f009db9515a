"""A site's settings page: its quiet hours, SMS sender, contact details, the interest form's
introduction and how long personal data is kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import SiteSettings

# The bounds a site's retention period stays within: at least a year (a participant who comes
# back, a complaint, the programme's own follow-up) and at most ten years (GDPR's storage
# limitation: the pseudonymised records stay for the evaluation whatever is chosen).
RETENTION_MIN_DAYS = 365
RETENTION_MAX_DAYS = 10 * 365


class TimeInput(forms.TimeInput):
    """The browser's time picker (HH:MM whatever the language)."""

    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class SiteSettingsForm(forms.ModelForm):
    retention_days = forms.IntegerField(
        label=_("Keep personal data for (days)"),
        min_value=RETENTION_MIN_DAYS,
        max_value=RETENTION_MAX_DAYS,
        help_text=_(
            "After a participant's last activity, their personal data is kept this long (between "
            "one and ten years), then erased automatically; the pseudonymised records stay."
        ),
    )

    class Meta:
        model = SiteSettings
        fields = [
            "contact_name",
            "contact_phone",
            "contact_email",
            "contact_address",
            "interest_intro",
            "quiet_from",
            "quiet_to",
            "sms_sender",
        ]
        widgets = {
            "quiet_from": TimeInput(),
            "quiet_to": TimeInput(),
            "contact_address": forms.Textarea(attrs={"rows": 3}),
            "interest_intro": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retention_days"].initial = self.instance.site.retention_days

    def clean_sms_sender(self) -> str:
        return self.cleaned_data["sms_sender"].strip()
