"""Forms validate; the services orchestrate."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from tod.accounts.models import Role, Site, User
from tod.editconflict import EditConflictMixin
from tod.widgets import DateInput

from .models import (
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
    SessionKind,
    Status,
    Theme,
    WithdrawalInitiator,
)


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


class ParticipantForm(EditConflictMixin, SiteScopedFormMixin, forms.ModelForm):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    confirm_not_duplicate = forms.BooleanField(
        label=_("This is a different person with the same name and date of birth"),
        required=False,
    )

    class Meta:
        model = Participant
        fields = [
            "site",
            "round",
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_to(user)
        self.fields["round"].required = True
        self.fields["postcode"].help_text = _("Four digits, for example 2200.")
        self.fields["phone"].help_text = _("A Danish number, or with the country code.")
        if self.instance.pk:
            self.fields["site"].disabled = True

    def clean_date_of_birth(self):
        return plausible_birth_date(self.cleaned_data["date_of_birth"])

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
        queryset=ConsentText.objects.all(),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()

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


class CourseForm(SiteScopedFormMixin, forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    round = forms.ModelChoiceField(queryset=Round.objects.none(), label=_("Round"))
    name = forms.CharField(label=_("Name"), max_length=200)
    trainer = forms.CharField(label=_("Trainer"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100, initial=12)
    day1_starts_at = forms.DateTimeField(label=_("Day 1 starts"), widget=DateTimeInput())
    day1_ends_at = forms.DateTimeField(label=_("Day 1 ends"), widget=DateTimeInput())
    day1_place = forms.CharField(label=_("Day 1 place"), max_length=200)
    day2_starts_at = forms.DateTimeField(label=_("Day 2 starts"), widget=DateTimeInput())
    day2_ends_at = forms.DateTimeField(label=_("Day 2 ends"), widget=DateTimeInput())
    day2_place = forms.CharField(label=_("Day 2 place"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_to(user)

    def clean(self):
        cleaned = super().clean()
        for day in (1, 2):
            starts, ends = cleaned.get(f"day{day}_starts_at"), cleaned.get(f"day{day}_ends_at")
            if starts and ends and ends <= starts:
                self.add_error(f"day{day}_ends_at", _("A day must end after it starts."))
        first, second = cleaned.get("day1_ends_at"), cleaned.get("day2_starts_at")
        if first and second and second <= first:
            self.add_error("day2_starts_at", _("Day 2 must come after day 1."))
        return cleaned

    def days(self):
        data = self.cleaned_data
        return [
            (data[f"day{day}_starts_at"], data[f"day{day}_ends_at"], data[f"day{day}_place"])
            for day in (1, 2)
        ]


class InviteForm(forms.Form):
    participants = ModelMultipleChoiceField(
        label=_("Peer supporters"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = candidates


class AttendanceForm(forms.Form):
    """One checkbox per invited supporter."""

    def __init__(self, *args, invited: list[tuple[Participant, bool | None]], **kwargs):
        super().__init__(*args, **kwargs)
        for participant, attended in invited:
            self.fields[f"p{participant.pk}"] = forms.BooleanField(
                label=participant.full_name, required=False, initial=bool(attended)
            )

    def attendance(self) -> dict[int, bool]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


def _supervisors(user):
    return User.objects.filter(role=Role.SUPERVISOR, is_active=True, sites__staff=user).distinct()


class SessionForm(SiteScopedFormMixin, forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    round = forms.ModelChoiceField(queryset=Round.objects.none(), label=_("Round"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    duration = forms.IntegerField(
        label=_("Duration in minutes"), min_value=15, max_value=480, initial=120
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    leader = forms.ModelChoiceField(
        label=_("Led by (supervisor)"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_to(user)
        self.fields["leader"].queryset = _supervisors(user)

    def clean(self):
        cleaned = super().clean()
        leader, site = cleaned.get("leader"), cleaned.get("site")
        if leader and site and not leader.works_in(site.pk):
            self.add_error("leader", _("The supervisor does not work at this site."))
        if cleaned.get("kind") == SessionKind.SUPERVISION and not leader:
            self.add_error("leader", _("A supervision session is led by a supervisor."))
        return cleaned


class SessionEditForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    duration = forms.IntegerField(label=_("Duration in minutes"), min_value=15, max_value=480)
    place = forms.CharField(label=_("Place"), max_length=200)
    leader = forms.ModelChoiceField(
        label=_("Led by (supervisor)"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, user, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["leader"].queryset = _supervisors(user).filter(sites=session.site_id)

    def clean(self):
        cleaned = super().clean()
        if self.session.kind == SessionKind.SUPERVISION and not cleaned.get("leader"):
            self.add_error("leader", _("A supervision session is led by a supervisor."))
        return cleaned


class SeriesForm(SessionForm):
    count = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=24, initial=6)
    every_months = forms.IntegerField(
        label=_("Every ... months"), min_value=1, max_value=6, initial=2
    )

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("A new series starts in the future."))
        return value


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )


class DilemmaForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    text = forms.CharField(
        label=_("Dilemma or challenge"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=500)
    responsible = forms.CharField(label=_("Responsible"), required=False, max_length=200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
