"""The pair (a peer with a peer supporter) and its one state machine.

Every status change goes through `Pair.move(step, to)`, which checks `PAIR_STEPS`: the one table
of what may happen to a pair in which status. The services in `logbooks.services.pairs` are the
only callers; matching proposes, but writes no pair state (ADR 0009).
"""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Role
from tod.accounts.scoping import SiteScopedQuerySet


class PairStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed by both")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    ENDED = "ended", _("Ended early")
    REFUSED = "refused", _("Refused")


# A pair in one of these states holds its peer (out of the pool) and a place of its supporter.
OPEN_STATUSES = (PairStatus.PROPOSED, PairStatus.AGREED, PairStatus.ACTIVE, PairStatus.PAUSED)


def pair_stages_of(participant):
    """(running pairs, completed pairs) of a participant, as peer or supporter: what
    `programme.status` needs to tell "active" and "completed" (pass an OuterRef)."""
    mine = Pair.objects.filter(models.Q(peer=participant) | models.Q(supporter=participant))
    return (
        mine.filter(status__in=(PairStatus.ACTIVE, PairStatus.PAUSED)),
        mine.filter(status=PairStatus.COMPLETED),
    )


# Statuses in which a pair's meetings run (a paused pair keeps its plan).
RUNNING_STATUSES = (PairStatus.ACTIVE, PairStatus.PAUSED)
# Statuses a pair never leaves.
FINAL_STATUSES = (PairStatus.COMPLETED, PairStatus.ENDED, PairStatus.REFUSED)


class Step(NamedTuple):
    """One row of the state machine: the statuses a step starts from, the statuses it may
    lead to, and what the manager is told when the pair is in any other status."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    refusal: str | Promise


S = PairStatus
# The pair's state machine: step -> (from, to, message when refused). Creating a pair
# (`pair_propose`) makes it proposed; a substitute's pair is created active, continuing the case.
PAIR_STEPS: dict[str, Step] = {
    "answer": Step(
        (S.PROPOSED,),
        (S.PROPOSED, S.AGREED, S.REFUSED),
        _("Answers can be recorded while the pair is proposed."),
    ),
    "schedule": Step(
        (S.AGREED,), (S.AGREED,), _("Both must agree before the match meeting is planned.")
    ),
    "start": Step((S.AGREED,), (S.ACTIVE,), _("Both must agree before the match meeting is held.")),
    "pause": Step((S.ACTIVE,), (S.PAUSED,), _("Only an active pair can pause.")),
    "resume": Step(
        (S.PAUSED,),
        (S.ACTIVE,),
        _("Only a paused pair can resume, and not before the pause began."),
    ),
    "end": Step(OPEN_STATUSES, (S.ENDED,), _("Only a pair that has not ended can end.")),
    "complete": Step(
        RUNNING_STATUSES, (S.COMPLETED,), _("Only an active or paused pair can complete.")
    ),
    "substitute": Step(
        RUNNING_STATUSES,
        (S.ENDED,),
        _("A substitute supporter can take over an active or paused pair."),
    ),
}


class Answer(models.TextChoices):
    PENDING = "", _("Not asked yet")
    AGREED = "agreed", _("Agreed")
    REFUSED = "refused", _("Refused")


class PairQuerySet(SiteScopedQuerySet):
    def open(self):
        """Pairs that hold their peer and a place of their supporter."""
        return self.filter(status__in=OPEN_STATUSES)

    def case_roots(self) -> PairQuerySet:
        """The first pair of each case: a pair a substitute supporter continued is one case
        with its successors (the peer's course through the programme)."""
        return self.filter(root_pair__isnull=True)

    def of_cases(self, roots) -> PairQuerySet:
        """Every pair of the cases whose first pairs are `roots` (a queryset or ids), each
        annotated with `case` (the first pair's id). One query, whatever the chain's length."""
        ids = roots.values("pk") if isinstance(roots, models.QuerySet) else roots
        return self.filter(models.Q(pk__in=ids) | models.Q(root_pair__in=ids)).annotate(
            case=Coalesce("root_pair_id", "pk")
        )

    def with_case_course(self) -> PairQuerySet:
        """Each case's first pair annotated with how the case stands: `case_status` and
        `case_ended_on` of its last pair (the substitute's, when one took over)."""
        last = Pair.objects.filter(
            models.Q(pk=models.OuterRef("pk")) | models.Q(root_pair=models.OuterRef("pk")),
            continued_by__isnull=True,
        ).order_by("-created_at", "-pk")
        return self.annotate(
            case_status=models.Subquery(last.values("status")[:1]),
            case_ended_on=models.Subquery(last.values("ended_on")[:1]),
        )

    def in_matching(self):
        """Pairs the manager still works on: proposed to both, or agreed and waiting for the
        match meeting."""
        return self.filter(status__in=(PairStatus.PROPOSED, PairStatus.AGREED))


class Pair(models.Model):
    """A peer matched with a peer supporter: one case of the evaluation."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="pairs"
    )
    round = models.ForeignKey(
        "programme.Round",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="pairs",
        null=True,
        blank=True,
    )
    peer = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer"),
        on_delete=models.PROTECT,
        related_name="pairs_as_peer",
    )
    supporter = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer supporter"),
        on_delete=models.PROTECT,
        related_name="pairs_as_supporter",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PairStatus.choices, default=PairStatus.PROPOSED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    # Evaluation data: the score as the manager saw it when the pair was formed.
    score = models.FloatField(_("score"), null=True, blank=True)
    similarities = models.PositiveSmallIntegerField(
        _("sociodemographic similarities"), null=True, blank=True
    )
    explanation = models.JSONField(_("explanation of the score"), default=dict, blank=True)
    peer_survey = models.ForeignKey(
        "matching.MatchSurvey",
        verbose_name=_("peer's match survey"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supporter_survey = models.ForeignKey(
        "matching.MatchSurvey",
        verbose_name=_("supporter's match survey"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposal = models.ForeignKey(
        "matching.MatchProposal",
        verbose_name=_("proposal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairs",
    )
    formed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("formed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_pair = models.OneToOneField(
        "self",
        verbose_name=_("continues the case of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
        help_text=_("When a substitute supporter took over, the pair they continue."),
    )
    # The case is the peer's course through the programme, across substitute supporters: it is
    # named by its first pair. Stored (not walked along previous_pair) so that the case's pairs
    # are one indexed filter in every report and export; empty on the first pair itself.
    root_pair = models.ForeignKey(
        "self",
        verbose_name=_("first pair of the case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="case_successors",
    )
    # Both parties' answer to the proposed match.
    peer_answer = models.CharField(
        _("peer's answer"), max_length=10, choices=Answer.choices, blank=True
    )
    supporter_answer = models.CharField(
        _("supporter's answer"), max_length=10, choices=Answer.choices, blank=True
    )
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    # The match meeting: planned, then held with the expectations and wishes recorded.
    match_meeting_at = models.DateTimeField(_("match meeting"), null=True, blank=True)
    match_meeting_place = models.CharField(_("place"), max_length=200, blank=True)
    match_meeting_held_on = models.DateField(_("match meeting held on"), null=True, blank=True)
    expectations = models.TextField(_("expectations"), blank=True)
    wishes = models.TextField(_("wishes for the meetings"), blank=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        indexes = [models.Index(fields=["site", "status"], name="matching_pa_site_id_7378cc_idx")]
        constraints = [
            # A pair continues a case exactly when it names the case's first pair.
            models.CheckConstraint(
                condition=models.Q(previous_pair__isnull=True, root_pair__isnull=True)
                | models.Q(previous_pair__isnull=False, root_pair__isnull=False),
                name="pair_root_with_previous",
            )
        ]
        # The table keeps the name it had when Pair lived in matching (ADR 0009).
        db_table = "matching_pair"

    def __str__(self) -> str:
        return f"{self.peer} – {self.supporter}"

    def user_can_access(self, user) -> bool:
        """A supporter reaches only their own pairs; staff reach the pairs of their sites."""
        if user.role == Role.SUPPORTER:
            return self.supporter.user_id == user.id
        return user.works_in(self.site_id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    def can(self, step: str) -> bool:
        """Whether the state machine allows `step` from the pair's status now."""
        return self.status in PAIR_STEPS[step].sources

    def require(self, step: str) -> None:
        """ValidationError, with the step's message, unless the state machine allows `step`."""
        if not self.can(step):
            raise ValidationError(str(PAIR_STEPS[step].refusal), code="pair_step")

    def move(self, step: str, to: str) -> None:
        """Set the status `step` leads to (not saved); ValidationError, with the step's message,
        when the pair's status does not allow it. The one place a pair's status changes."""
        self.require(step)
        rule = PAIR_STEPS[step]
        if to not in rule.targets:
            raise ValueError(f"{step} leads to {rule.targets}, not {to}")
        self.status = to

    @property
    def case_key(self) -> int:
        """The id of the case's first pair: what names the case (its pseudonym)."""
        return self.root_pair_id or self.pk

    def case_root(self) -> Pair:
        """The first pair of the case this pair belongs to (a substitute continues a case)."""
        root = self.root_pair
        return root if root is not None else self
