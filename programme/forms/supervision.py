"""Supervision sessions and network meetings: planning, editing, notes, dilemmas and actions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Role, Site, User
from tod.widgets import DateInput

from ..models import Round, SessionKind, Theme
from .common import DateTimeInput, SiteScopedFormMixin


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
