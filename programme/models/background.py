"""A participant's background: the one record the match survey, the participant page and the
evaluation's sample table (Table 2) read and write (ADR 0013)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tod.accounts.scoping import SiteScopedQuerySet

from .choices import Complication, Diagnosis, Education, Employment, Origin

# The fields a form or an import may set, in the order the pages show them.
BACKGROUND_FIELDS = (
    "origin",
    "education",
    "employment",
    "lives_alone",
    "support_work_experience",
    "complications",
    "other_diagnoses",
)


class BackgroundQuerySet(SiteScopedQuerySet):
    site_field = "participant__site"


class Background(models.Model):
    """Sociodemographics, lived experience and health of one participant, in the study's
    categories. Not versioned: a proposal keeps in its explanation what was scored then."""

    participant = models.OneToOneField(
        "programme.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="background",
    )
    origin = models.CharField(_("ethnic origin"), max_length=12, choices=Origin.choices, blank=True)
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, blank=True
    )
    employment = models.CharField(
        _("employment"), max_length=20, choices=Employment.choices, blank=True
    )
    lives_alone = models.BooleanField(_("lives alone"), null=True, blank=True)
    support_work_experience = models.BooleanField(
        _("work experience as a support person"),
        default=False,
        help_text=_("Supporters: worked with vulnerable groups or in health care."),
    )
    complications = models.JSONField(_("diabetes complications"), default=list, blank=True)
    other_diagnoses = models.JSONField(_("other diagnoses"), default=list, blank=True)

    objects = BackgroundQuerySet.as_manager()

    class Meta:
        verbose_name = _("background")
        verbose_name_plural = _("backgrounds")

    def __str__(self) -> str:
        return str(_("Background"))

    @property
    def site_id(self):
        return self.participant.site_id

    def user_can_access(self, user) -> bool:
        return self.participant.user_can_access(user)

    def clean(self) -> None:
        for name, choices in (
            ("complications", Complication),
            ("other_diagnoses", Diagnosis),
        ):
            unknown = set(getattr(self, name) or []) - set(choices.values)
            if unknown:
                raise ValidationError({name: _("Choose from the list.")})

    def complication_labels(self) -> list[str]:
        names = dict(Complication.choices)
        return [str(names.get(code, code)) for code in self.complications or []]

    def diagnosis_labels(self) -> list[str]:
        names = dict(Diagnosis.choices)
        return [str(names.get(code, code)) for code in self.other_diagnoses or []]

    def values(self) -> dict:
        return {name: getattr(self, name) for name in BACKGROUND_FIELDS}


def background_of(participant) -> Background:
    """The participant's background, or an empty one (not saved) when none is recorded, so a
    reader sees unanswered questions. Joined with `select_related("background")`, no query."""
    try:
        return participant.background
    except Background.DoesNotExist:
        return Background(participant=participant)
