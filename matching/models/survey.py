"""The match survey: 12 questions, one form per side, versioned.

Every change is a new row (version n+1) and the earlier versions stay: the proposals and pairs
point at the versions they were scored on, so the evaluation can see what the manager saw.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.scoping import SiteScopedQuerySet

from .. import geo
from ..choices import SexRequirement

# The answers (as opposed to the bookkeeping): a new version is stored only when one changes.
ANSWER_FIELDS = (
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
)


# The survey's questions about the participant's background: asked on the survey's form, saved
# on the participant's programme.Background (one record with the participant page and the
# evaluation's sample table, ADR 0013) by `services.survey_submit`.
BACKGROUND_QUESTIONS = ("origin", "education", "employment", "support_work_experience")


class MatchSurveyQuerySet(SiteScopedQuerySet):
    site_field = "participant__site"

    def current(self):
        return self.filter(is_current=True)

    def without_location(self):
        """Surveys from which no location can be had (as `pool.answers_for` reads them: the
        coordinates, else the survey's postcode, else the participant's): their pairs' distances
        are not checked."""
        coordinates = models.Q(latitude__isnull=False, longitude__isnull=False)
        own_postcode = ~models.Q(postcode="") & geo.known_postcode_q("postcode")
        record_postcode = models.Q(postcode="") & geo.known_postcode_q("participant__postcode")
        return self.exclude(coordinates | own_postcode | record_postcode)


class MatchSurvey(models.Model):
    participant = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="match_surveys",
    )
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current version"), default=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled in by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now, editable=False)

    # 1. Sociodemographics: the participant's record (age, sex) and Background (origin,
    # education, employment), which the survey's form asks about and saves there.
    # 2. Language skills.
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    # 3. Residence.
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(54), MaxValueValidator(58)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(16)],
    )  # fmt: skip
    # 4. Motivation.
    motivation = models.TextField(_("motivation"), max_length=2000, blank=True)
    # 5. The peer's needs / what the supporter can offer.
    activities = models.JSONField(_("needs or offers"), default=list, blank=True)
    # 6. Lived experience.
    years_with_t2d = models.PositiveSmallIntegerField(
        _("years with type 2 diabetes"), default=0, validators=[MaxValueValidator(90)]
    )
    # (and, for a supporter, work experience as a support person: on the Background)
    # 7. Availability (and, for a supporter, how many peers at a time).
    availability = models.JSONField(_("availability"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("peers at a time"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # 8. Smoking and pets.
    smokes = models.BooleanField(_("smokes"), default=False)
    has_pets = models.BooleanField(_("has pets"), default=False)
    # 9. Requirements: age and sex of the other person.
    age_min = models.PositiveSmallIntegerField(
        _("youngest age accepted"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("oldest age accepted"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    sex_required = models.CharField(
        _("sex of the other person"), max_length=10, choices=SexRequirement.choices, blank=True
    )
    # 10. Requirements: ethnicity and language.
    same_ethnicity_required = models.BooleanField(_("same ethnic origin required"), default=False)
    shared_language_required = models.BooleanField(_("a shared language required"), default=False)
    # 11. Requirements: smoking, allergies, distance.
    non_smoker_required = models.BooleanField(_("non-smoker required"), default=False)
    pet_allergy = models.BooleanField(_("allergic to pets"), default=False)
    max_distance_km = models.PositiveSmallIntegerField(
        _("maximum distance (km)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )  # fmt: skip
    # 12. Vulnerability: the peer's own; the types a supporter cannot take on.
    vulnerabilities = models.JSONField(_("vulnerability"), default=list, blank=True)
    notes = models.TextField(_("anything else"), max_length=2000, blank=True)

    objects = MatchSurveyQuerySet.as_manager()

    class Meta:
        ordering = ["participant", "-version"]
        verbose_name = _("match survey")
        verbose_name_plural = _("match surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "version"], name="match_survey_unique_version"
            ),
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(is_current=True),
                name="match_survey_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_max__gte=models.F("age_min")),
                name="match_survey_age_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · v{self.version}"

    def user_can_access(self, user) -> bool:
        return self.participant.user_can_access(user)

    def answers(self) -> dict:
        return {name: getattr(self, name) for name in ANSWER_FIELDS}
