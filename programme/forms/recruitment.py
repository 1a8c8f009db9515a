"""Participants, their screening, consent, first conversation and withdrawal, and the rounds."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Site
from tod.editconflict import EditConflictMixin
from tod.widgets import DateInput

from ..models import (
    CRITERIA,
    Answer,
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    ConsentText,
    DataChoice,
    Kind,
    Participant,
    ReferralChannel,
    Round,
    ScreeningResult,
    Status,
    WithdrawalInitiator,
    purposes_for,
)
from .common import SiteScopedFormMixin, not_in_future, plausible_birth_date


class ParticipantDetailsForm(forms.ModelForm):
    """The person's own fields and their checks: the register form's, and each row of an
    imported file's (programme.imports), whose site and round are chosen once for the file."""

    class Meta:
        model = Participant
        fields = [
            "kind",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "address",
            "postcode",
            "preferred_language",
            "referral_channel",
            "referred_by",
            "referral_note",
        ]
        widgets = {"date_of_birth": DateInput(), "referral_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].help_text = _("Four digits, for example 2200.")
        self.fields["phone"].help_text = _("A Danish number, or with the country code.")

    def clean_date_of_birth(self):
        return plausible_birth_date(self.cleaned_data["date_of_birth"])


class ParticipantForm(EditConflictMixin, SiteScopedFormMixin, ParticipantDetailsForm):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    confirm_not_duplicate = forms.BooleanField(
        label=_("This is a different person with the same name and date of birth"),
        required=False,
    )

    class Meta(ParticipantDetailsForm.Meta):
        fields = ["site", "round", *ParticipantDetailsForm.Meta.fields]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_to(user)
        self.fields["round"].required = True
        if self.instance.pk:
            self.fields["site"].disabled = True

    def clean(self):
        cleaned = super().clean()
        site = cleaned.get("site")
        first, last, born = (
            cleaned.get("first_name"),
            cleaned.get("last_name"),
            cleaned.get("date_of_birth"),
        )
        if site and first and last and born:
            twins = Participant.objects.possible_duplicates_of(
                site=site, first_name=first, last_name=last, born=born, exclude=self.instance.pk
            )
            if twins.exists() and not cleaned.get("confirm_not_duplicate"):
                self.add_error(
                    None,
                    _(
                        "A participant with this name and date of birth already exists: %(names)s."
                        " Open that record instead, or confirm this is a different person."
                    )
                    % {"names": ", ".join(f"{p.full_name} (#{p.pk})" for p in twins[:3])},
                )
        return cleaned


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
    )
    kind = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *Kind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Status.choices],
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *ReferralChannel.choices],
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        queryset = queryset.search(data.get("q"))
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("channel"):
            queryset = queryset.filter(referral_channel=data["channel"])
        return queryset


class ScreeningForm(forms.Form):
    screened_on = forms.DateField(label=_("Screened on"), widget=DateInput())
    override_result = forms.ChoiceField(
        label=_("Override the result"),
        required=False,
        choices=[("", _("No: use the result from the answers")), *ScreeningResult.choices],
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["screened_on"].initial = timezone.localdate()
        criteria = {}
        for code, label in CRITERIA[participant.kind]:
            criteria[f"criterion_{code}"] = forms.ChoiceField(
                label=label,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                initial=Answer.UNKNOWN,
            )
        # Criteria first, then the date, override and notes.
        self.fields = {**criteria, **self.fields}

    def clean_screened_on(self):
        return not_in_future(self.cleaned_data["screened_on"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("override_result") and not (cleaned.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Give a reason for overriding the result."))
        return cleaned

    def answers(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"criterion_{code}"]
            for code, _label in CRITERIA[self.participant.kind]
        }


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    decision = forms.ChoiceField(
        label=_("Answer"), choices=ConsentDecision.choices, widget=forms.RadioSelect
    )
    text = forms.ModelChoiceField(
        label=_("Consent text"),
        queryset=ConsentText.objects.none(),
        help_text=_("The version of the text the participant answered."),
    )
    decided_on = forms.DateField(label=_("Date"), widget=DateInput())
    method = forms.ChoiceField(label=_("How it was given"), choices=ConsentMethod.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    screening_override_reason = forms.CharField(
        label=_("Reason for consent without an eligible screening"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when programme consent is given and the latest screening is not eligible (or "
            "there is none)."
        ),
    )

    def __init__(self, *args, site, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        if kind is not None:
            # A peer is not asked about being observed: only supporters are at courses,
            # supervision and network meetings.
            self.fields["purpose"].choices = [(p.value, p.label) for p in purposes_for(kind)]
        # Only the participant's site's texts: each site is its own data controller.
        self.fields["text"].queryset = ConsentText.objects.of_site(site)

    def clean_decided_on(self):
        return not_in_future(self.cleaned_data["decided_on"])

    def clean(self):
        cleaned = super().clean()
        text, purpose = cleaned.get("text"), cleaned.get("purpose")
        if text and purpose and text.purpose != purpose:
            self.add_error("text", _("This text belongs to another purpose."))
        return cleaned


class ConsentTextForm(forms.ModelForm):
    class Meta:
        model = ConsentText
        fields = ["purpose", "title", "body", "valid_from"]
        widgets = {"valid_from": DateInput()}


class ConversationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()

    def clean_held_on(self):
        return not_in_future(self.cleaned_data["held_on"])


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())
    initiated_by = forms.ChoiceField(label=_("Initiated by"), choices=WithdrawalInitiator.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    data_choice = forms.ChoiceField(
        label=_("What happens to the data"),
        choices=DataChoice.choices,
        widget=forms.RadioSelect,
        help_text=_("As the participant chose. Erasing cannot be undone."),
    )
    confirm_erase = forms.BooleanField(
        label=_("I confirm that the personal data is to be erased"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()

    def clean_withdrawn_on(self):
        return not_in_future(self.cleaned_data["withdrawn_on"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("data_choice") == DataChoice.ERASE and not cleaned.get("confirm_erase"):
            self.add_error("confirm_erase", _("Confirm the erasure, or choose to keep the data."))
        return cleaned


class RoundForm(SiteScopedFormMixin, forms.ModelForm):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))

    class Meta:
        model = Round
        fields = ["site", "name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_to(user)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The round must end after it starts."))
        site, name = cleaned.get("site"), cleaned.get("name")
        if site and name and Round.objects.filter(site=site, name=name).exists():
            self.add_error("name", _("The site already has a round with this name."))
        return cleaned
