"""Forms of the evaluation. They validate; the services write."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from logbooks.models import Logbook, Pair
from programme.forms import ModelMultipleChoiceField
from programme.models import Participant
from tod.editconflict import EditConflictMixin
from tod.widgets import DateInput

from .models import (
    CodeGroup,
    Complication,
    ContextFactor,
    Diagnosis,
    Interview,
    MeaningUnit,
    Mechanism,
    Medication,
    NurseVisit,
    Observation,
    OtherBehaviour,
    Outcome,
    ProgrammeTheory,
    TheoryConfiguration,
)
from .models.choices import (
    Actor,
    Component,
    MechanismCategory,
    SourceKind,
    Stance,
    TheoryKind,
)
from .observed import observable_events
from .pseudonyms import case_pseudonym, participant_pseudonym
from .queries import installation_redactor
from .ranges import RANGES, check_measures
from .sources import source_text

CHECKBOXES = forms.CheckboxSelectMultiple
MEASURES = list(RANGES)


class NurseVisitForm(EditConflictMixin, forms.ModelForm):
    """The whole visit on one page, in the order the nurse works: measures, medication,
    diagnoses, health care use, questionnaires, note. Unusual values ask for confirmation."""

    medication = forms.MultipleChoiceField(
        label=_("Current diabetes medication"),
        choices=Medication.choices,
        widget=CHECKBOXES,
        required=False,
    )
    complications = forms.MultipleChoiceField(
        label=_("Diabetes complications"),
        choices=Complication.choices,
        widget=CHECKBOXES,
        required=False,
    )
    other_diagnoses = forms.MultipleChoiceField(
        label=_("Other diagnoses"), choices=Diagnosis.choices, widget=CHECKBOXES, required=False
    )
    confirm_unusual = forms.BooleanField(
        label=_("I have checked the unusual values and they are correct"), required=False
    )

    class Meta:
        model = NurseVisit
        fields = [
            "visited_on",
            "hba1c_mmol_mol",
            "systolic_mmhg",
            "diastolic_mmhg",
            "weight_kg",
            "height_cm",
            "waist_cm",
            "medication",
            "medication_note",
            "adherence",
            "complications",
            "other_diagnoses",
            "other_diagnoses_note",
            "gp_contacts",
            "missed_appointments",
            "rehabilitation",
            "who5_1",
            "who5_2",
            "who5_3",
            "who5_4",
            "who5_5",
            "paid5_1",
            "paid5_2",
            "paid5_3",
            "paid5_4",
            "paid5_5",
            "self_care_note",
            "early_reason",
        ]
        widgets = {
            "visited_on": DateInput(),
            "self_care_note": forms.Textarea(attrs={"rows": 4}),
            "early_reason": forms.Textarea(attrs={"rows": 2}),
            **{f"{q}_{i}": forms.RadioSelect for q in ("who5", "paid5") for i in range(1, 6)},
        }

    def __init__(self, *args, early: bool = False, **kwargs):
        """`early`: a post-visit before the pair has ended or is due, which must say why."""
        super().__init__(*args, **kwargs)
        if early:
            reason = self.fields["early_reason"]
            # Only a new early post-visit must say why: a visit saved before the rule (or while
            # it was due) is saved again as it is, its reason optional.
            reason.required = self.instance.pk is None or bool(self.instance.early_reason)
            reason.label = _("Why is the post-visit recorded now?")
            reason.error_messages["required"] = _(
                "The pair has not ended and the post-visit is not due yet: say why it is "
                "recorded now."
            )
        elif not self.instance.early_reason:
            del self.fields["early_reason"]
        for name in MEASURES:
            # A text box with the decimal keyboard rather than type=number: browsers disagree on
            # the decimal comma in number boxes (Chromium without a Danish interface dropped it:
            # "101,5" became 1015). The server reads the comma in Danish, the point in English.
            field = self.fields[name]
            field.localize = True
            field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
            field.widget.is_localized = True
        for q in ("who5", "paid5"):
            for i in range(1, 6):
                field = self.fields[f"{q}_{i}"]
                field.choices = [c for c in field.choices if c[0] != ""]
        self.warnings: dict[str, str] = {}

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name) for name in MEASURES}
        errors, warnings = check_measures(values)
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        self.warnings = {k: v for k, v in warnings.items() if k not in errors}
        unconfirmed = {
            k: v for k, v in self.warnings.items() if not self._confirmed_before(k, cleaned)
        }
        if unconfirmed and not cleaned.get("confirm_unusual") and not errors:
            raise forms.ValidationError(
                [str(m) for m in unconfirmed.values()]
                + [str(_("Tick the box to confirm the unusual values, or correct them."))]
            )
        return cleaned

    def _confirmed_before(self, warning: str, cleaned: dict) -> bool:
        """The nurse confirmed this unusual value when the visit was saved, and it has not
        changed since: saving the visit again does not ask again."""
        visit = self.instance
        if visit.pk is None or warning not in (visit.confirmed_warnings or []):
            return False
        measures = ("weight_kg", "height_cm") if warning == "bmi" else (warning,)
        return all(getattr(visit, name) == cleaned.get(name) for name in measures)

    def visit_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class OutcomeForm(forms.ModelForm):
    behaviours = forms.MultipleChoiceField(
        label=_("Behaviours (other behaviour)"),
        choices=OtherBehaviour.choices,
        widget=CHECKBOXES,
        required=False,
    )

    class Meta:
        model = Outcome
        fields = ["kind", "result", "behaviours", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ContextForm(forms.ModelForm):
    class Meta:
        model = ContextFactor
        fields = ["subject", "category", "influence", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MechanismForm(forms.ModelForm):
    class Meta:
        model = Mechanism
        fields = ["category", "actor", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


def _as_is(text):
    return text


class RedactedChoiceField(forms.ModelChoiceField):
    """A choice of records labelled with free text someone wrote (a theory's title, an
    excerpt): the labels go through the page's Redactor (`redact`, evaluation.queries.
    redactor_for) like any free text the evaluator sees. The form sets `redact` before the
    choices are read."""

    redact = staticmethod(_as_is)

    def label_from_instance(self, obj):
        return self.redact(super().label_from_instance(obj))


class ExcerptChoiceField(RedactedChoiceField):
    def label_from_instance(self, obj):
        # Redacted whole, then shortened: a name cut in half would pass the Redactor.
        return self.redact(obj.text)[:60]


def redact_labels(form: forms.BaseForm, redact) -> None:
    """Give the form's RedactedChoiceFields the page's Redactor (None: shown as stored)."""
    for field in form.fields.values():
        if isinstance(field, RedactedChoiceField):
            field.redact = redact or _as_is


def redact_initial(form: forms.BaseForm, redact, names) -> None:
    """Show the stored free text of an unbound edit form through the Redactor: what was
    stored before the Redactor knew a name (saving stores it redacted, as every save does)."""
    if redact and not form.is_bound:
        for name in names:
            if form.initial.get(name):
                form.initial[name] = redact(form.initial[name])


class CaseConfigurationForm(forms.Form):
    theory_configuration = RedactedChoiceField(
        label=_("Tests the configuration"),
        queryset=TheoryConfiguration.objects.none(),
        required=False,
    )
    stance = forms.ChoiceField(label=_("The case"), choices=Stance.choices)
    intervention = forms.ChoiceField(label=_("Intervention component"), choices=Component.choices)
    contexts = ModelMultipleChoiceField(
        label=_("Contexts"),
        queryset=ContextFactor.objects.none(),
        widget=CHECKBOXES,
        required=False,
    )
    actor = forms.ChoiceField(label=_("Actor"), choices=Actor.choices)
    mechanism = forms.ModelChoiceField(label=_("Mechanism"), queryset=Mechanism.objects.none())
    outcome = forms.ModelChoiceField(label=_("Outcome"), queryset=Outcome.objects.none())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, pair, theory_configurations, redact=None, **kwargs):
        super().__init__(*args, **kwargs)
        redact_labels(self, redact)
        self.fields["contexts"].queryset = pair.contexts.all()
        self.fields["mechanism"].queryset = pair.mechanisms.all()
        self.fields["outcome"].queryset = pair.outcomes.all()
        self.fields["theory_configuration"].queryset = theory_configurations


class LogbookChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        held = obj.meeting.held_on
        when = formats.date_format(held, "SHORT_DATE_FORMAT") if held else obj.pk
        return _("Logbook of %(date)s") % {"date": when}


class EvidenceForm(forms.Form):
    source_kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    excerpt = ExcerptChoiceField(
        label=_("Coded excerpt"),
        queryset=MeaningUnit.objects.none(),
        required=False,
        help_text=_(
            "Choose an excerpt or a logbook and leave the quote empty to cite it as it is."
        ),
    )
    logbook = LogbookChoiceField(
        label=_("Logbook entry"), queryset=Logbook.objects.none(), required=False
    )
    stance = forms.ChoiceField(label=_("The evidence"), choices=Stance.choices)
    quote = forms.CharField(
        label=_("Quote"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args, excerpts, logbooks=None, offered=None, redact=None, **kwargs):
        """`offered`: the excerpts and logbooks the page has read already ({"excerpt": [...],
        "logbook": [...]}), shown instead of reading the querysets (which still validate a
        bound form). `redact`: the page's Redactor, for the excerpts' labels."""
        super().__init__(*args, **kwargs)
        redact_labels(self, redact)
        self.fields["excerpt"].queryset = excerpts
        self.fields["logbook"].queryset = (
            logbooks if logbooks is not None else Logbook.objects.none()
        )
        for name in ("excerpt", "logbook"):
            field = self.fields[name]
            if offered is not None:
                field.choices = [("", field.empty_label)] + [
                    (item.pk, field.label_from_instance(item)) for item in offered[name]
                ]
            else:
                # Evaluated once: the form is rendered once per record on a case page. iter()
                # keeps list() from asking the ModelChoiceIterator its length (a COUNT query).
                field.widget.choices = list(iter(field.choices))

    def clean(self):
        cleaned = super().clean()
        excerpt = cleaned.get("excerpt")
        if not cleaned.get("quote") and excerpt is not None:
            cleaned["quote"] = excerpt.text
        logbook = cleaned.get("logbook")
        if excerpt is not None and excerpt.logbook_id:
            # An excerpt of a logbook cites that logbook: its source is the logbook.
            if logbook is not None and logbook.pk != excerpt.logbook_id:
                self.add_error("logbook", _("The coded excerpt is of another logbook."))
            cleaned["source_kind"] = SourceKind.LOGBOOK
        if not cleaned.get("quote") and logbook is not None:
            cleaned["quote"] = logbook.reflections or logbook.improvements or logbook.relationship
        if not cleaned.get("quote"):
            self.add_error("quote", _("Give the quote, or choose a coded excerpt."))
        return cleaned


class TheoryForm(forms.ModelForm):
    class Meta:
        model = ProgrammeTheory
        fields = ["kind", "title", "refines", "description"]
        field_classes = {"refines": RedactedChoiceField}

    def __init__(self, *args, theories, redact=None, **kwargs):
        super().__init__(*args, **kwargs)
        redact_labels(self, redact)
        self.fields["refines"].queryset = theories
        self.fields["kind"].initial = (
            TheoryKind.REFINED if theories.exists() else TheoryKind.INITIAL
        )


class TheoryConfigurationForm(forms.ModelForm):
    reasonings = forms.MultipleChoiceField(
        label=_("Mechanism: reasonings"),
        choices=[(v, MechanismCategory(v).label) for v in MechanismCategory.reasonings()],
        widget=CHECKBOXES,
    )

    class Meta:
        model = TheoryConfiguration
        fields = [
            "code",
            "intervention",
            "context",
            "actor",
            "resource",
            "reasonings",
            "outcome",
            "statement",
        ]
        widgets = {
            "context": forms.Textarea(attrs={"rows": 2}),
            "statement": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, theory, **kwargs):
        super().__init__(*args, **kwargs)
        self.theory = theory

    def clean_code(self):
        code = self.cleaned_data["code"]
        clash = TheoryConfiguration.objects.filter(theory=self.theory, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("This theory already has a configuration with this code.")
            )
        return code


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return case_pseudonym(obj.pk)


class SupporterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return participant_pseudonym(obj.pk, "supporter")


class InterviewForm(forms.ModelForm):
    pair = CaseChoiceField(label=_("Case"), queryset=None, required=False)
    supporter = SupporterChoiceField(
        label=_("Which supporter"),
        queryset=None,
        required=False,
        help_text=_(
            "Only for an interview with a supporter of a case a substitute took over: the one "
            "interviewed."
        ),
    )

    class Meta:
        model = Interview
        fields = ["pair", "informant_type", "conducted_on", "mode", "transcript", "notes"]
        widgets = {
            "conducted_on": DateInput(),
            "transcript": forms.Textarea(attrs={"rows": 12}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, pairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["pair", "informant_type", "supporter"])
        self.fields["pair"].queryset = pairs
        # The supporters of the cases offered (a substitute's too), shown by pseudonym.
        self.fields["supporter"].queryset = Participant.objects.filter(
            pk__in=Pair.objects.of_cases(pairs).values("supporter_id")
        ).order_by("id")
        if self.instance.pk and self.instance.informant_type == "supporter":
            self.initial.setdefault("supporter", self.instance.informant_id)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("transcript") and not cleaned.get("notes"):
            raise forms.ValidationError(_("Give the transcript or notes."))
        return cleaned


class ObservationForm(forms.ModelForm):
    """An observation of a training course, supervision session or network meeting of the
    user's sites: the event is chosen from them (its kind sets the setting, its site the
    observation's), and the date must be one of the event's days (empty: its first)."""

    event = forms.ChoiceField(label=_("Observed"))

    class Meta:
        model = Observation
        fields = ["observed_on", "title", "field_notes"]
        widgets = {
            "observed_on": DateInput(),
            "field_notes": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {"observed_on": _("Empty: the event's first day.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["event"])
        self.fields["observed_on"].required = False
        self.events = observable_events(user)
        self.fields["event"].choices = [("", "---------"), *self.events.choices()]

    def clean(self):
        cleaned = super().clean()
        event = self.events.get(cleaned.get("event", ""))
        if event is None:
            return cleaned
        days = event.days
        observed_on = cleaned.get("observed_on") or days[0]
        if observed_on not in days:
            self.add_error(
                "observed_on",
                _("%(event)s took place on %(days)s.")
                % {
                    "event": event.label,
                    "days": ", ".join(formats.date_format(d, "SHORT_DATE_FORMAT") for d in days),
                },
            )
        cleaned["observed_on"] = observed_on
        cleaned["setting"] = event.setting
        cleaned["course"] = event.course
        cleaned["session"] = event.session
        cleaned["site"] = event.site
        return cleaned


class CodeGroupChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MeaningUnitForm(forms.Form):
    text = forms.CharField(
        label=_("Meaning unit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Copy the passage exactly from the text above."),
        max_length=10000,
    )
    condensed = forms.CharField(
        label=_("Condensed meaning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    code_groups = CodeGroupChoiceField(
        label=_("Code groups"),
        queryset=CodeGroup.objects.select_related("theme"),
        widget=CHECKBOXES,
    )

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_text(self):
        """The excerpt as stored or as the page showed it (through the Redactor: a logbook is
        stored as the supporter wrote it); services.meaning_unit_add finds its position."""
        text = self.cleaned_data["text"].strip()
        body = source_text(self.source)
        if text not in body and text not in installation_redactor()(body):
            raise forms.ValidationError(_("The excerpt must be copied exactly from the text."))
        return text
