"""Forms of the meetings and the logbook. Forms validate; the services do the writing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.editconflict import EditConflictMixin
from tod.formfields import TypedChoiceField, YesNoField
from tod.widgets import DateInput

from .models import (
    SCALE_CHOICES,
    CancelledBy,
    CancelReason,
    Logbook,
    MeetingPlan,
    Topic,
)
from .registries import locked_answers


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MeetingTimeForm(forms.Form):
    """A date and a time in Copenhagen, e.g. moving a meeting or adding an extra one."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time") is not None:
            data["planned_at"] = timezone.make_aware(
                dt.datetime.combine(data["date"], data["time"])
            )
        return data


class OutcomeForm(EditConflictMixin, forms.Form):
    OUTCOMES = [
        ("held", _("Held")),
        ("cancelled", _("Cancelled")),
        ("missed", _("Missed")),
    ]
    outcome = forms.ChoiceField(
        label=_("What happened?"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    held_on = forms.DateField(label=_("Held on"), required=False, widget=DateInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=1, max_value=24 * 60
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    activity = forms.CharField(label=_("Activity"), max_length=200, required=False)
    cancelled_by = forms.ChoiceField(
        label=_("Cancelled by"),
        required=False,
        choices=[
            ("", "—"),
            (CancelledBy.PEER, CancelledBy.PEER.label),
            (CancelledBy.SUPPORTER, CancelledBy.SUPPORTER.label),
        ],
    )
    cancel_reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", "—")]
        + [
            (value, label)
            for value, label in CancelReason.choices
            if value not in (CancelReason.PAUSE, CancelReason.PAIR_ENDED)
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, meeting=None, **kwargs):
        """`meeting`: the meeting whose outcome this records, so that a save from a page opened
        before someone else recorded it is refused (tod.editconflict)."""
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        # A meeting the programme cancelled (its pair ended) shows who and why as recorded,
        # though a person does not choose them: saved again, they stay.
        for name, labels in (("cancelled_by", CancelledBy), ("cancel_reason", CancelReason)):
            recorded, field = self.initial.get(name), self.fields[name]
            if recorded and recorded not in dict(field.choices):
                field.choices = [*field.choices, (recorded, labels(recorded).label)]

    def versioned_values(self) -> dict:
        meeting = self.meeting
        if meeting is None:
            return {}
        return {
            "outcome": meeting.status,
            "held_on": meeting.held_on,
            "duration_minutes": meeting.duration_minutes,
            "place": meeting.place,
            "activity": meeting.activity,
            "cancelled_by": meeting.cancelled_by,
            "cancel_reason": meeting.cancel_reason,
            "note": meeting.cancel_note,
        }

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == "held":
            if not data.get("held_on"):
                self.add_error("held_on", _("When was the meeting held?"))
            elif data["held_on"] > timezone.localdate():
                self.add_error("held_on", _("A meeting cannot be held in the future."))
        if outcome == "cancelled":
            if not data.get("cancelled_by"):
                self.add_error("cancelled_by", _("Who cancelled the meeting?"))
            if not data.get("cancel_reason"):
                self.add_error("cancel_reason", _("Why was it cancelled?"))
        return data


class PauseForm(forms.Form):
    starts_on = forms.DateField(label=_("Paused from"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ResumeForm(forms.Form):
    resumes_on = forms.DateField(label=_("Resumes on"), widget=DateInput())


class EndForm(forms.Form):
    completed = TypedChoiceField(
        label=_("How did the pair end?"),
        choices=[("1", _("Completed the six months")), ("0", _("Ended early"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("completed") is False and not data.get("reason"):
            self.add_error("reason", _("Say why the pair ended early."))
        return data


class MeetingPlanForm(forms.ModelForm):
    class Meta:
        model = MeetingPlan
        fields = ["weekday", "time", "place", "peer_sms_reminders"]
        widgets = {"time": TimeInput()}


class ScaleWidget(forms.RadioSelect):
    template_name = "logbooks/widgets/scale.html"


# The longest answer a logbook keeps to one of its open questions (5-8 and 10): some 800 words,
# far beyond what the questions ask for. It bounds what a logbook, a draft and a rescued post
# (logbooks/middleware.py) can hold; the text box stops typing there.
ANSWER_MAX_LENGTH = 5000


def _open_answer(name: str) -> forms.CharField:
    return forms.CharField(
        label=Logbook._meta.get_field(name).verbose_name,
        max_length=ANSWER_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LogbookForm(forms.ModelForm):
    """The ten questions and the two short items, on one screen."""

    topics = forms.MultipleChoiceField(
        label=Logbook._meta.get_field("topics").verbose_name,
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Not answered until the supporter chooses: no answer is preselected for them.
    needs_support = YesNoField(label=Logbook._meta.get_field("needs_support").verbose_name)
    relationship = _open_answer("relationship")
    improvements = _open_answer("improvements")
    reflections = _open_answer("reflections")
    challenges = _open_answer("challenges")
    support_with = _open_answer("support_with")

    class Meta:
        model = Logbook
        fields = [
            "activities",
            "place",
            "duration_minutes",
            "topics",
            "relationship",
            "improvements",
            "reflections",
            "challenges",
            "needs_support",
            "support_with",
            "scale_trust",
            "scale_respect",
            "scale_empathy",
            "scale_care",
            "scale_honesty",
            "scale_equal",
            "role_perception",
        ]
        widgets = {
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "role_perception": forms.RadioSelect,
            **{
                f"scale_{name}": ScaleWidget(choices=SCALE_CHOICES)
                for name in ("trust", "respect", "empathy", "care", "honesty", "equal")
            },
        }

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        # Answers the evaluation has coded are locked (logbooks.registries): shown, not posted.
        self.locked = sorted(locked_answers(self.instance) & set(self.fields))
        for name in self.locked:
            self.fields[name].disabled = True
        self.fields["role_perception"].choices = [
            c for c in self.fields["role_perception"].choices if c[0]
        ]
        for name in self.fields:
            if name.startswith("scale_"):
                self.fields[name].choices = SCALE_CHOICES

    def clean_duration_minutes(self):
        value = self.cleaned_data.get("duration_minutes")
        if value is not None and not 1 <= value <= 24 * 60:
            raise forms.ValidationError(_("Enter the duration in minutes (1 to 1440)."))
        return value

    def clean(self):
        data = super().clean()
        if self.submitting:
            if not data.get("activities"):
                self.add_error("activities", _("Say briefly what you did together."))
            self._check_support_request(data)
        return data

    def _check_support_request(self, data) -> None:
        """Questions 9 and 10 are the programme's safety net: a request for support is never
        dropped silently. Submitting needs 9 and 10 to agree (9 left unanswered with 10 empty
        stays unanswered); a draft keeps whatever was chosen and typed, so the autosave never
        fails halfway through."""
        needs, text = data.get("needs_support"), data.get("support_with")
        if needs is True and not text:
            self.add_error(
                "support_with",
                _("Write what you would like support with, or answer No to question 9."),
            )
        elif needs is None and text:
            self.add_error(
                "needs_support",
                _(
                    "You wrote what you need support with in question 10: answer Yes to send "
                    "your request to the manager, or No."
                ),
            )
        elif needs is False and text:
            self.add_error(
                "needs_support",
                _(
                    "You answered No, but question 10 says what you need support with. Answer "
                    "Yes to send your request to the manager, or empty question 10."
                ),
            )

    def draft_answers(self) -> tuple[dict, list[str]]:
        """What a draft can keep of the data, and the names of the fields it cannot.

        For data the supporter cannot correct on the spot (a rescued post, after the session
        ended): the valid answers are saved and each invalid one is left out, so the draft keeps
        its earlier value there (or none), instead of losing the whole logbook to one field."""
        self.is_valid()
        invalid = [name for name in self.errors if name in self.fields]
        answers = {
            name: value for name, value in self.answers().items() if name in self.cleaned_data
        }
        return answers, invalid

    def answers(self) -> dict:
        data = self.cleaned_data
        answers = {name: data.get(name) for name in self.Meta.fields}
        answers["topics"] = list(data.get("topics") or [])
        for name in (
            "activities",
            "place",
            "relationship",
            "improvements",
            "reflections",
            "challenges",
            "support_with",
            "role_perception",
        ):
            answers[name] = answers[name] or ""
        return answers


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
