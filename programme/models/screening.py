"""Screening against the study's inclusion criteria, criterion by criterion."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Kind


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Don't know yet")


class ScreeningResult(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NEEDS_REVIEW = "needs_review", _("Needs review")


# The inclusion criteria of the study, per role. Codes are stored; labels are shown.
CRITERIA: dict[str, list[tuple[str, str]]] = {
    Kind.SUPPORTER: [
        ("well_regulated", _("Well-regulated glycaemic control")),
        (
            "knows_t2d_and_health_care",
            _("Basic knowledge of type 2 diabetes and of the Danish health care system"),
        ),
        (
            "interested_in_supporting",
            _("Interest in supporting a socially vulnerable person with type 2 diabetes"),
        ),
    ],
    Kind.PEER: [
        ("poorly_regulated", _("Poorly regulated glycaemic control")),
        ("multimorbidity", _("Multimorbidity")),
        ("no_employment", _("No employment")),
        ("low_education", _("Low or no education")),
        ("lives_alone", _("Lives alone with no or minimal social network")),
        ("access_difficulties", _("Difficulties accessing the health care system")),
    ],
}


def derive_result(kind: str, answers: dict[str, str]) -> str:
    """Every criterion met: eligible; any not met: not eligible; otherwise needs review."""
    values = [answers.get(code, Answer.UNKNOWN) for code, _label in CRITERIA[kind]]
    if any(value == Answer.NO for value in values):
        return ScreeningResult.NOT_ELIGIBLE
    if all(value == Answer.YES for value in values):
        return ScreeningResult.ELIGIBLE
    return ScreeningResult.NEEDS_REVIEW


class ScreeningQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-screened_on", "-id")

    def latest_result_of(self, participant):
        """A subquery: the result of the participant's latest screening (pass an OuterRef)."""
        return models.Subquery(
            self.filter(participant=participant).latest_first().values("result")[:1]
        )


class Screening(models.Model):
    """One screening of a participant. A new screening supersedes the earlier ones, which stay."""

    participant = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="screenings",
    )
    screened_on = models.DateField(_("screened on"))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField(_("answers"), default=dict)
    derived_result = models.CharField(
        _("result from the answers"), max_length=20, choices=ScreeningResult.choices
    )
    override_reason = models.TextField(_("reason for overriding"), max_length=2000, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=ScreeningResult.choices)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-screened_on", "-id"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.participant} · {self.screened_on} · {self.get_result_display()}"

    @property
    def is_overridden(self) -> bool:
        return self.result != self.derived_result

    def criteria_with_answers(self) -> list[tuple[str, str, str]]:
        """(code, label, answer label) for each criterion of the participant's role."""
        labels = dict(Answer.choices)
        return [
            (code, label, labels.get(self.answers.get(code, Answer.UNKNOWN), ""))
            for code, label in CRITERIA[self.participant.kind]
        ]

    def failed_criteria(self) -> list[str]:
        return [
            str(label)
            for code, label in CRITERIA[self.participant.kind]
            if self.answers.get(code) == Answer.NO
        ]
