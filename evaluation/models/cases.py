"""Each pair is a case: its outcomes, contexts, mechanisms and ICAMO configurations, each of
which can cite evidence."""

from __future__ import annotations

import functools
import operator

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Role
from tod.accounts.scoping import SiteScopedQuerySet

from .choices import (
    Actor,
    Component,
    ContextCategory,
    ContextSubject,
    Influence,
    MechanismCategory,
    MechanismKind,
    OtherBehaviour,
    OutcomeKind,
    OutcomeResult,
    SourceKind,
    Stance,
)


class CaseRecordQuerySet(SiteScopedQuerySet):
    site_field = "pair__site"


class CaseRecord(models.Model):
    """Common to every record of a case."""

    pair = models.ForeignKey("logbooks.Pair", verbose_name=_("case"), on_delete=models.CASCADE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def user_can_access(self, user) -> bool:
        return user.role != Role.SUPPORTER and user.works_in(self.pair.site_id)


class Outcome(CaseRecord):
    """The immediate outcome (self-care awareness) or an intermediate outcome of the peer."""

    pair = models.ForeignKey(
        "logbooks.Pair", verbose_name=_("case"), on_delete=models.CASCADE, related_name="outcomes"
    )
    kind = models.CharField(_("outcome"), max_length=24, choices=OutcomeKind.choices)
    result = models.CharField(_("changed"), max_length=8, choices=OutcomeResult.choices)
    behaviours = models.JSONField(
        _("behaviours"),
        default=list,
        blank=True,
        help_text=_("Other behaviour: which behaviours changed."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["pair_id", "kind"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["pair", "kind"], name="outcome_one_per_kind_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_result_display()}"

    def behaviour_labels(self) -> list[str]:
        labels = dict(OtherBehaviour.choices)
        return [str(labels.get(b, b)) for b in self.behaviours]


class ContextFactor(CaseRecord):
    """A context of the peer, the supporter or the pair, and whether it helped or hindered."""

    pair = models.ForeignKey(
        "logbooks.Pair", verbose_name=_("case"), on_delete=models.CASCADE, related_name="contexts"
    )
    subject = models.CharField(_("whose context"), max_length=12, choices=ContextSubject.choices)
    category = models.CharField(_("context"), max_length=24, choices=ContextCategory.choices)
    influence = models.CharField(_("influence"), max_length=12, choices=Influence.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["pair_id", "subject", "category", "id"]
        verbose_name = _("context")
        verbose_name_plural = _("contexts")

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_subject_display()})"


class Mechanism(CaseRecord):
    """A mechanism: a resource the intervention brings in or a reasoning it triggers."""

    pair = models.ForeignKey(
        "logbooks.Pair",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="mechanisms",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MechanismKind.choices, editable=False)
    category = models.CharField(_("mechanism"), max_length=20, choices=MechanismCategory.choices)
    actor = models.CharField(_("in whom"), max_length=16, choices=Actor.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["pair_id", "kind", "category", "id"]
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_kind_display()})"

    def save(self, *args, **kwargs):
        # The kind follows from the category; kept as a column so reports can group by it.
        self.kind = MechanismCategory.kind_of(self.category)
        super().save(*args, **kwargs)


class CaseConfiguration(CaseRecord):
    """An ICAMO configuration observed in a case: intervention, contexts, actor, mechanism,
    outcome, optionally as a test of a configuration of a programme theory."""

    pair = models.ForeignKey(
        "logbooks.Pair",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="configurations",
    )
    theory_configuration = models.ForeignKey(
        "evaluation.TheoryConfiguration",
        verbose_name=_("tests the configuration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_configurations",
    )
    stance = models.CharField(
        _("the case"), max_length=10, choices=Stance.choices, default=Stance.SUPPORTS
    )
    intervention = models.CharField(
        _("intervention component"), max_length=16, choices=Component.choices
    )
    contexts = models.ManyToManyField(
        ContextFactor, verbose_name=_("contexts"), blank=True, related_name="configurations"
    )
    actor = models.CharField(_("actor"), max_length=16, choices=Actor.choices)
    mechanism = models.ForeignKey(
        Mechanism,
        verbose_name=_("mechanism"),
        on_delete=models.CASCADE,
        related_name="configurations",
    )
    outcome = models.ForeignKey(
        Outcome, verbose_name=_("outcome"), on_delete=models.CASCADE, related_name="configurations"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["pair_id", "id"]
        verbose_name = _("ICAMO configuration of a case")
        verbose_name_plural = _("ICAMO configurations of cases")

    def __str__(self) -> str:
        return f"{self.get_intervention_display()} → {self.mechanism} → {self.outcome}"


class EvidenceQuerySet(SiteScopedQuerySet):
    pass


EVIDENCE_TARGET_FIELDS = (
    "outcome",
    "context",
    "mechanism",
    "case_configuration",
    "theory_configuration",
)


def exactly_one_of(fields: tuple[str, ...]) -> models.Q:
    """A condition that exactly one of the foreign keys `fields` is set."""
    return functools.reduce(
        operator.or_,
        (models.Q(**{f"{f}__isnull": f != chosen for f in fields}) for chosen in fields),
    )


class Evidence(models.Model):
    """A quote from a source backing (or contradicting) one record.

    Exactly one target: an outcome, a context, a mechanism, a case configuration or a programme
    theory configuration. The source is a coded excerpt, an interview, an observation, a nurse
    visit or a logbook entry.
    """

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    # targets
    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    context = models.ForeignKey(
        ContextFactor, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    mechanism = models.ForeignKey(
        Mechanism, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    case_configuration = models.ForeignKey(
        CaseConfiguration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    theory_configuration = models.ForeignKey(
        "evaluation.TheoryConfiguration",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    stance = models.CharField(
        _("the evidence"), max_length=10, choices=Stance.choices, default=Stance.SUPPORTS
    )
    # sources
    source_kind = models.CharField(_("source"), max_length=12, choices=SourceKind.choices)
    excerpt = models.ForeignKey(
        "evaluation.MeaningUnit",
        verbose_name=_("coded excerpt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    interview = models.ForeignKey(
        "evaluation.Interview",
        verbose_name=_("interview"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    observation = models.ForeignKey(
        "evaluation.Observation",
        verbose_name=_("observation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    nurse_visit = models.ForeignKey(
        "evaluation.NurseVisit",
        verbose_name=_("nurse visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    logbook = models.ForeignKey(
        "logbooks.Logbook",
        verbose_name=_("logbook entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation_evidence",
    )
    quote = models.TextField(_("quote"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = EvidenceQuerySet.as_manager()

    TARGETS = ("outcome", "context", "mechanism", "case_configuration", "theory_configuration")

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                name="evidence_exactly_one_target",
                condition=exactly_one_of(EVIDENCE_TARGET_FIELDS),
            )
        ]

    def __str__(self) -> str:
        return self.quote[:60]

    @property
    def target(self):
        for name in self.TARGETS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None
