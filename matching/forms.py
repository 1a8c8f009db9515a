"""Forms of the matching app: they validate, the services act."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programme.models import Background
from tod.widgets import DateInput

from . import scoring
from .choices import Activity, Language, Slot, Vulnerability
from .models import MatchSurvey, MatchWeights
from .models.survey import BACKGROUND_QUESTIONS

CHECKBOXES = forms.CheckboxSelectMultiple


def _multi(label, choices, help_text=""):
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=CHECKBOXES, required=False, help_text=help_text
    )


class SurveyForm(forms.ModelForm):
    """The 12 questions; PeerSurveyForm and SupporterSurveyForm word them for each side."""

    languages = _multi(_("Which languages do you speak?"), Language.choices)
    activities = _multi("", Activity.choices)
    availability = _multi(_("When are you usually free?"), Slot.choices)
    vulnerabilities = _multi("", Vulnerability.choices)

    side = ""
    questions: list = []

    class Meta:
        model = MatchSurvey
        fields = [
            "languages",
            "postcode",
            "latitude",
            "longitude",
            "motivation",
            "activities",
            "years_with_t2d",
            "availability",
            "capacity",
            "smokes",
            "has_pets",
            "age_min",
            "age_max",
            "sex_required",
            "same_ethnicity_required",
            "shared_language_required",
            "non_smoker_required",
            "pet_allergy",
            "max_distance_km",
            "vulnerabilities",
            "notes",
        ]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{4}"}),
        }

    def __init__(self, *args, background: Background | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in forms.fields_for_model(Background, fields=BACKGROUND_QUESTIONS).items():
            if background is not None:
                field.initial = getattr(background, name)
            self.fields[name] = field
        for name in (*self.Meta.fields, *BACKGROUND_QUESTIONS):
            if name not in self.layout_fields():
                self.fields.pop(name, None)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(
                Fieldset(f"{number}. {title}", *names)
                for number, (title, names) in enumerate(self.questions, start=1)
            ),
            Submit("save", _("Save the survey")),
        )

    @classmethod
    def layout_fields(cls) -> set[str]:
        return {name for _title, names in cls.questions for name in names}

    def clean_postcode(self):
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value and (len(value) != 4 or not value.isdigit()):
            raise forms.ValidationError(_("A Danish postcode has four digits."))
        return value

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The oldest age must not be below the youngest."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.layout_fields()}


class PeerSurveyForm(SurveyForm):
    side = "peer"
    questions = [
        (_("About you"), ["origin", "education", "employment"]),
        (_("Languages"), ["languages"]),
        (_("Where you live"), ["postcode", "latitude", "longitude"]),
        (_("Motivation"), ["motivation"]),
        (_("What would you like help with?"), ["activities"]),
        (_("Your diabetes"), ["years_with_t2d"]),
        (_("Availability"), ["availability"]),
        (_("Smoking and pets"), ["smokes", "has_pets"]),
        (_("Requirements: age and sex"), ["age_min", "age_max", "sex_required"]),
        (
            _("Requirements: origin and language"),
            ["same_ethnicity_required", "shared_language_required"],
        ),
        (
            _("Requirements: smoking, allergies and distance"),
            ["non_smoker_required", "pet_allergy", "max_distance_km"],
        ),
        (_("Your situation"), ["vulnerabilities", "notes"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].label = _("What would you like your peer supporter to help with?")
        self.fields["vulnerabilities"].label = _("What applies to you?")
        self.fields["vulnerabilities"].help_text = _(
            "A supporter who cannot take on one of these will not be proposed."
        )


class SupporterSurveyForm(SurveyForm):
    side = "supporter"
    questions = [
        (_("About you"), ["origin", "education", "employment"]),
        (_("Languages"), ["languages"]),
        (_("Where you live"), ["postcode", "latitude", "longitude"]),
        (_("Motivation"), ["motivation"]),
        (_("What can you offer?"), ["activities"]),
        (_("Lived experience"), ["years_with_t2d", "support_work_experience"]),
        (_("Availability"), ["availability", "capacity"]),
        (_("Smoking and pets"), ["smokes", "has_pets"]),
        (_("Requirements: age and sex"), ["age_min", "age_max", "sex_required"]),
        (
            _("Requirements: origin and language"),
            ["same_ethnicity_required", "shared_language_required"],
        ),
        (
            _("Requirements: smoking, allergies and distance"),
            ["non_smoker_required", "pet_allergy", "max_distance_km"],
        ),
        (_("What you cannot take on"), ["vulnerabilities", "notes"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].label = _("What can you offer a peer?")
        self.fields["vulnerabilities"].label = _("Which of these can you not take on?")


def survey_form_class(kind: str) -> type[SurveyForm]:
    return PeerSurveyForm if kind == "peer" else SupporterSurveyForm


class WeightsForm(forms.ModelForm):
    class Meta:
        model = MatchWeights
        fields = list(scoring.CRITERIA)


class RuleForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class AnswerForm(forms.Form):
    side = forms.ChoiceField(
        label=_("Who"), choices=[("peer", _("The peer")), ("supporter", _("The peer supporter"))]
    )
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[("agreed", _("Agrees to the match")), ("refused", _("Refuses the match"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for refusing"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == "refused" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for refusing."))
        return data


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=200)

    def __init__(self, *args, **kwargs):
        # The pair's page shows this form and the match meeting form together: ids of their
        # own, so each label points at its own field ("place" is in both).
        kwargs.setdefault("auto_id", "schedule_%s")
        super().__init__(*args, **kwargs)


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class MatchMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    expectations = forms.CharField(
        label=_("Expectations"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    wishes = forms.CharField(
        label=_("Wishes for the meetings"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday of the meetings"), choices=WEEKDAYS, coerce=int
    )
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Usual place"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "meeting_%s")  # see ScheduleForm
        super().__init__(*args, **kwargs)


class SubstituteForm(forms.Form):
    supporter = forms.ModelChoiceField(label=_("Substitute supporter"), queryset=None)
    reason = forms.CharField(
        label=_("Why the supporter stops"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    took_over_on = forms.DateField(
        label=_("Took over on"),
        widget=DateInput(),
        help_text=_(
            "The substitute's first day with the peer. When you record it afterwards, the "
            "meetings planned from that day move to the substitute."
        ),
    )

    def __init__(self, *args, supporters, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("took_over_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = supporters
