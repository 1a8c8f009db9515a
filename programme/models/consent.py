"""Written consent per purpose, with the text's version and the whole history kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Kind


class ConsentPurpose(models.TextChoices):
    """What a participant agrees to, each answered on its own: declining one purpose never
    removes what the others allow (docs/programme.md, "Consent")."""

    PROGRAMME = "programme", _("Taking part in the programme")
    ROUTINE_DATA = (
        "routine_data",
        _("Use of routine data (visits, logbooks, meetings) in the evaluation"),
    )
    INTERVIEW = "interview", _("Being interviewed for the evaluation")
    OBSERVATION = "observation", _("Being observed at courses, supervision and network meetings")


# The purposes of the evaluation (research), as opposed to taking part in the programme.
RESEARCH_PURPOSES = (
    ConsentPurpose.ROUTINE_DATA,
    ConsentPurpose.INTERVIEW,
    ConsentPurpose.OBSERVATION,
)


def purposes_for(kind: str) -> list[ConsentPurpose]:
    """The purposes a participant of `kind` is asked about: supporters are observed at their
    course, supervision and network meetings; peers attend none of them."""
    return [
        purpose
        for purpose in ConsentPurpose
        if purpose != ConsentPurpose.OBSERVATION or kind == Kind.SUPPORTER
    ]


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Given")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed on paper")
    DIGITAL = "digital", _("Signed digitally")
    VERBAL = "verbal", _("Verbally, with a witness")


class ConsentTextQuerySet(models.QuerySet["ConsentText"]):
    def of_site(self, site) -> ConsentTextQuerySet:
        return self.filter(site=site)

    def current(self, purpose: str, *, site) -> ConsentText | None:
        """The site's newest version of the text for `purpose`."""
        return self.filter(site=site, purpose=purpose).order_by("-version").first()


class ConsentText(models.Model):
    """One version of the text a participant consents to, per site (each municipality is its
    own data controller). A new version never changes the answers given to an earlier one."""

    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        related_name="consent_texts",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        ordering = ["site", "purpose", "-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "purpose", "version"], name="consent_text_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · v{self.version}"


class ConsentQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-recorded_at", "-id")

    def latest_decision_of(self, purpose: str, participant):
        """A subquery: the participant's latest answer for `purpose` (pass an OuterRef)."""
        return models.Subquery(
            self.filter(participant=participant, purpose=purpose)
            .latest_first()
            .values("decision")[:1]
        )


class Consent(models.Model):
    """One answer of a participant for one purpose. Append-only: the latest answer counts and
    the earlier ones stay as the history."""

    participant = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    decision = models.CharField(_("answer"), max_length=12, choices=ConsentDecision.choices)
    text = models.ForeignKey(
        ConsentText,
        verbose_name=_("consent text"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    decided_on = models.DateField(_("date"))
    method = models.CharField(_("how it was given"), max_length=12, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    screening_override_reason = models.TextField(
        _("reason for consent without an eligible screening"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Programme consent follows an eligible screening; the manager may record it without "
            "one only with a reason, kept here."
        ),
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["participant", "purpose", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.participant} · {self.get_purpose_display()} · {self.get_decision_display()}"
