"""Interviews and observations, and their analysis by systematic text condensation: meaning
units (excerpts of an interview, an observation or a logbook) sorted into code groups under
themes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.scoping import SiteScopedQuerySet

from .cases import exactly_one_of
from .choices import InformantType, InterviewMode, ObservationSetting

# The sources a meaning unit is an excerpt of: exactly one is set.
MEANING_UNIT_SOURCES = ("interview", "observation", "logbook")


class Interview(models.Model):
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    pair = models.ForeignKey(
        "logbooks.Pair",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
    )
    informant_type = models.CharField(_("informant"), max_length=16, choices=InformantType.choices)
    # The peer or the supporter interviewed (set by services.interview_save from the case and
    # the informant type): a case with a substitute has two supporters, and each one's consent
    # to being interviewed is their own. Empty for staff and for an interview of no case.
    informant = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("interviewee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    conducted_on = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=10, choices=InterviewMode.choices)
    transcript = models.TextField(_("transcript"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-conducted_on", "-id"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.get_informant_type_display()} {self.conducted_on}"

    @property
    def text(self) -> str:
        return self.transcript or self.notes


class Observation(models.Model):
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    setting = models.CharField(_("setting"), max_length=16, choices=ObservationSetting.choices)
    observed_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    field_notes = models.TextField(_("field notes"))
    # What was observed: a training course, or a supervision session or network meeting. At most
    # one; none only on observations recorded before they were linked.
    course = models.ForeignKey(
        "programme.Course",
        verbose_name=_("training course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
    )
    session = models.ForeignKey(
        "programme.Session",
        verbose_name=_("supervision or network meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("observer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_on", "-id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(course__isnull=True) | models.Q(session__isnull=True),
                name="observation_of_one_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_setting_display()} {self.observed_on}"

    @property
    def event(self):
        """The course, supervision session or network meeting observed (None if not linked)."""
        return self.course or self.session

    @property
    def text(self) -> str:
        return self.field_notes


class Theme(models.Model):
    """A theme of the analysis; the codebook starts with the realist evaluation's themes."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=50)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return str(_(self.name))


class CodeGroup(models.Model):
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="code_groups"
    )
    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=50)

    class Meta:
        ordering = ["theme__order", "order", "name"]
        verbose_name = _("code group")
        verbose_name_plural = _("code groups")

    def __str__(self) -> str:
        return f"{self.theme} › {_(self.name)}"


class MeaningUnitQuerySet(SiteScopedQuerySet):
    def within(self, pairs, *, interviews) -> MeaningUnitQuerySet:
        """Leave out the units of logbooks of pairs not in `pairs` (reports.case_pairs) and of
        interviews not in `interviews` (queries.allowed_interviews): a logbook is in the
        evaluation only while its case's consents bring it in, an interview while its
        informant's consent to being interviewed stands."""
        return self.filter(
            models.Q(logbook__isnull=True) | models.Q(logbook__meeting__pair__in=pairs),
            models.Q(interview__isnull=True) | models.Q(interview__in=interviews),
        )


class MeaningUnit(models.Model):
    """An excerpt of an interview, an observation or a logbook, condensed and sorted into code
    groups. `start` and `end` point into the source's stored text (a logbook's: its source
    document, evaluation/sources.py), which is why a coded text is locked."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, null=True, blank=True, related_name="excerpts"
    )
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, null=True, blank=True, related_name="excerpts"
    )
    logbook = models.ForeignKey(
        "logbooks.Logbook",
        verbose_name=_("logbook"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluation_excerpts",
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.TextField(_("excerpt"))
    condensed = models.TextField(_("condensed meaning"), blank=True)
    code_groups = models.ManyToManyField(
        CodeGroup, verbose_name=_("code groups"), related_name="excerpts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = MeaningUnitQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("meaning unit")
        verbose_name_plural = _("meaning units")
        constraints = [
            models.CheckConstraint(
                name="meaning_unit_one_source",
                condition=exactly_one_of(MEANING_UNIT_SOURCES),
            ),
            models.CheckConstraint(
                name="meaning_unit_end_after_start", condition=models.Q(end__gt=models.F("start"))
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def source(self):
        return self.interview or self.observation or self.logbook
