"""The training course: its days, the invitations and the attendance."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Site

from ..models import Participant, Round
from .common import DateTimeInput, ModelMultipleChoiceField, SiteScopedFormMixin


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
