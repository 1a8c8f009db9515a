"""The manager's weights and rules, and the matching service's runs and their proposals."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.scoping import SiteScopedQuerySet

from .. import scoring


def _weight(label, default, help_text):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(20)], help_text=help_text
    )


class MatchWeights(models.Model):
    """The weights of the soft criteria, one set per site, set by the manager."""

    site = models.OneToOneField(
        "accounts.Site",
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        related_name="match_weights",
    )
    similarity = _weight(
        _("sociodemographic similarity"),
        2,
        _("Points per similarity (sex, age within 10 years, ethnicity, education, occupation)."),
    )
    language = _weight(_("shared language"), 3, _("Points when they share a language."))
    distance = _weight(
        _("short distance"), 3, _("Full points when they live close; none from 20 km.")
    )
    needs = _weight(
        _("needs met by offers"), 4, _("Full points when the supporter offers all the peer needs.")
    )
    availability = _weight(
        _("availability overlap"), 3, _("Full points when the supporter is free when the peer is.")
    )
    experience = _weight(
        _("lived experience"),
        2,
        _("Full points for 10 years with type 2 diabetes and work experience as a support person."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")

    def __str__(self) -> str:
        return str(self.site)

    def as_weights(self) -> scoring.Weights:
        return scoring.Weights(**{name: float(getattr(self, name)) for name in scoring.CRITERIA})

    @classmethod
    def for_site(cls, site_id: int) -> scoring.Weights:
        row = cls.objects.filter(site_id=site_id).first()
        return row.as_weights() if row else scoring.Weights()


class RuleKind(models.TextChoices):
    LOCK = "lock", _("Locked")
    FORBID = "forbid", _("Forbidden")


class RuleSource(models.TextChoices):
    MANAGER = "manager", _("The manager's decision")
    REFUSAL = "refusal", _("Refused by one of them")
    PREVIOUS_PAIR = "previous_pair", _("An earlier pair that ended")


class MatchRule(models.Model):
    """The manager's decision on one peer x supporter combination: locked into the proposal,
    or excluded from it (also after a refusal or an earlier pairing that ended)."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    peer = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer"),
        on_delete=models.CASCADE,
        related_name="match_rules_as_peer",
    )
    supporter = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="match_rules_as_supporter",
    )
    kind = models.CharField(_("rule"), max_length=10, choices=RuleKind.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=RuleSource.choices, default=RuleSource.MANAGER
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching rule")
        verbose_name_plural = _("matching rules")
        constraints = [
            models.UniqueConstraint(fields=["peer", "supporter"], name="match_rule_unique_pair"),
            # A peer can be locked to one supporter only.
            models.UniqueConstraint(
                fields=["peer"],
                condition=models.Q(kind="lock"),
                name="match_rule_one_lock_per_peer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.peer} – {self.supporter}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchRunQuerySet(SiteScopedQuerySet):
    def latest_for_site(self, site_id: int):
        return self.filter(site_id=site_id).order_by("-created_at", "-id").first()


class MatchRun(models.Model):
    """One run of the matching service over a site's pool. Progress lives here (the database),
    never in the broker, so the manager's page can show it and a lost worker loses nothing."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    peers = models.PositiveIntegerField(
        _("peers waiting for a supporter"),
        default=0,
        help_text=_("Eligible peers without a pair when the run started, survey or not."),
    )
    supporters = models.PositiveIntegerField(_("supporters with a free place"), default=0)
    pairs = models.PositiveIntegerField(_("pairs proposed"), default=0)
    unmatched = models.PositiveIntegerField(
        _("peers left without a supporter"),
        null=True,
        blank=True,
        help_text=_("Pairs plus these are the waiting peers. Empty for runs made before it."),
    )
    total_score = models.FloatField(_("total score"), null=True, blank=True)
    weights = models.JSONField(_("weights used"), default=dict, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    void_locks = models.JSONField(
        _("locks no longer allowed"),
        default=list,
        blank=True,
        help_text=_(
            "Locked pairs left out of the proposal because a hard requirement now excludes "
            'them: [{"peer": id, "supporter": id, "exclusions": [[constraint, side], ...]}].'
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = MatchRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.site} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class MatchProposal(models.Model):
    """One pair the solver proposed in a run, with its explanation (evaluation data)."""

    run = models.ForeignKey(
        MatchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="proposals"
    )
    peer = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    supporter = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.FloatField(_("score"))
    similarities = models.PositiveSmallIntegerField(_("sociodemographic similarities"))
    explanation = models.JSONField(_("explanation"), default=dict)
    locked = models.BooleanField(_("locked by the manager"), default=False)
    peer_survey = models.ForeignKey(
        "matching.MatchSurvey",
        verbose_name=_("peer's match survey"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    supporter_survey = models.ForeignKey(
        "matching.MatchSurvey",
        verbose_name=_("supporter's match survey"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["peer__last_name", "peer__first_name", "id"]
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")
        constraints = [
            models.UniqueConstraint(fields=["run", "peer"], name="match_proposal_one_per_peer")
        ]

    def __str__(self) -> str:
        return f"{self.peer} – {self.supporter}"

    def user_can_access(self, user) -> bool:
        return user.works_in(self.run.site_id)


class UnmatchedReason(models.TextChoices):
    EXCLUDED = "excluded", _("No supporter within their requirements")
    NO_CAPACITY = "no_capacity", _("No capacity left")
    NO_SURVEY = "no_survey", _("No match survey")


class UnmatchedPeer(models.Model):
    """A peer waiting for a supporter whom a run left without one, and why. With the run's
    proposals it accounts for every waiting peer (the dashboard's count): pairs proposed plus
    peers left without a supporter is the run's `peers`."""

    run = models.ForeignKey(
        MatchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="unmatched_peers"
    )
    peer = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=UnmatchedReason.choices)
    supporters = models.PositiveIntegerField(_("supporters with a free place"), default=0)
    fitting = models.PositiveIntegerField(
        _("supporters within the requirements"),
        default=0,
        help_text=_("No capacity left: every one of them was proposed to another peer."),
    )
    exclusions = models.JSONField(
        _("supporters excluded, per requirement"),
        default=list,
        blank=True,
        help_text=_(
            "[[constraint, side, supporters], ...], most first: the scorer's hard constraints "
            "(side: peer or supporter), and ['rule', source, supporters] for pairs forbidden by "
            "the manager, a refusal or an earlier pair. A supporter may be excluded by several."
        ),
    )

    class Meta:
        ordering = ["peer__last_name", "peer__first_name", "id"]
        verbose_name = _("peer left without a supporter")
        verbose_name_plural = _("peers left without a supporter")
        constraints = [
            models.UniqueConstraint(fields=["run", "peer"], name="unmatched_peer_one_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.peer} · {self.get_reason_display()}"
