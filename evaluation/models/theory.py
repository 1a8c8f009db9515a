"""Programme theory versions: the initial theory and its refinements, each a set of ICAMO
configurations that the cases support, refute or refine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.scoping import SiteScopedQuerySet

from .choices import Actor, Component, MechanismCategory, OutcomeKind, TheoryKind


class ProgrammeTheory(models.Model):
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=8, choices=TheoryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    refines = models.ForeignKey(
        "self",
        verbose_name=_("refines"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refinements",
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["site_id", "-version"]
        verbose_name = _("programme theory")
        verbose_name_plural = _("programme theories")
        constraints = [
            models.UniqueConstraint(fields=["site", "version"], name="theory_unique_version")
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.title}"


class TheoryConfigurationQuerySet(SiteScopedQuerySet):
    site_field = "theory__site"


class TheoryConfiguration(models.Model):
    """One ICAMO configuration of a programme theory (a row of the study's Table 3)."""

    theory = models.ForeignKey(
        ProgrammeTheory,
        verbose_name=_("programme theory"),
        on_delete=models.CASCADE,
        related_name="configurations",
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("For example ICAMO 1."))
    intervention = models.CharField(
        _("intervention component"), max_length=16, choices=Component.choices
    )
    context = models.TextField(_("context"))
    actor = models.CharField(_("actor"), max_length=16, choices=Actor.choices)
    resource = models.CharField(
        _("mechanism: resource"),
        max_length=20,
        choices=[(v, MechanismCategory(v).label) for v in MechanismCategory.resources()],
    )
    reasonings = models.JSONField(_("mechanism: reasonings"), default=list)
    outcome = models.CharField(_("outcome"), max_length=24, choices=OutcomeKind.choices)
    statement = models.TextField(
        _("statement"), blank=True, help_text=_("The configuration as a sentence: if ... then ...")
    )
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("refines the configuration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refinements",
    )

    objects = TheoryConfigurationQuerySet.as_manager()

    class Meta:
        ordering = ["theory_id", "code", "id"]
        verbose_name = _("ICAMO configuration")
        verbose_name_plural = _("ICAMO configurations")
        constraints = [
            models.UniqueConstraint(fields=["theory", "code"], name="configuration_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.theory})"

    def reasoning_labels(self) -> list[str]:
        labels = dict(MechanismCategory.choices)
        return [str(labels.get(r, r)) for r in self.reasonings]

    @property
    def site_id(self):
        return self.theory.site_id
