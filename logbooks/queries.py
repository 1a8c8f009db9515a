"""Reads reused by views, panels and tasks: pairs a user may see, and pairs at risk.

Each returns one queryset (annotations as subqueries), so a page costs the same number of
queries whatever the number of pairs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import WithAnnotations

    from tod.accounts.models import User

from .models import (
    CANCELLATIONS_AT_RISK,
    NO_MEETING_RISK_AFTER,
    PLAN_OVER_AFTER,
    Logbook,
    Meeting,
    MeetingStatus,
    Pair,
    PairStatus,
    Pause,
)

RUNNING = (PairStatus.ACTIVE, PairStatus.PAUSED)


class Progress(TypedDict):
    """What `with_progress` annotates a pair with."""

    held_count: int
    planned_count: int
    cancelled_count: int
    overdue_logbooks: int
    last_held_on: dt.date | None
    quiet_since: dt.date | None
    cancellations_in_a_row: int
    support_open: bool


class AwaitingOutcome(TypedDict):
    """What `pairs_awaiting_outcome` annotates a pair with."""

    unrecorded_count: int
    has_held: bool


def pairs_for_user(user: User | AnonymousUser | None) -> QuerySet[Pair]:
    """The pairs a user may see: a supporter their own, staff the pairs of their sites."""
    if not user or not user.is_authenticated:
        return Pair.objects.none()
    if user.role == Role.SUPPORTER:
        return Pair.objects.filter(supporter__user=user)
    return Pair.objects.for_user(user)


def with_progress(
    pairs: QuerySet[Pair], *, today: dt.date
) -> QuerySet[WithAnnotations[Pair, Progress]]:
    """Annotate held/planned counts, the last held meeting and the risk signals."""
    meetings = Meeting.objects.filter(pair=OuterRef("pk"))

    def count(qs: QuerySet[Meeting]) -> Coalesce:
        return Coalesce(
            Subquery(
                qs.order_by().values("pair").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    last_held = Subquery(
        meetings.filter(status=MeetingStatus.HELD).order_by("-held_on").values("held_on")[:1],
        output_field=DateField(null=True),
    )
    last_resumed = Subquery(
        Pause.objects.filter(pair=OuterRef("pk"), ends_on__isnull=False)
        .order_by("-ends_on")
        .values("ends_on")[:1],
        output_field=DateField(),
    )
    started = Coalesce("meeting_plan__match_meeting_on", "started_on", output_field=DateField())
    return pairs.annotate(
        held_count=count(meetings.filter(status=MeetingStatus.HELD)),
        planned_count=count(meetings.filter(status=MeetingStatus.PLANNED)),
        cancelled_count=count(meetings.filter(status=MeetingStatus.CANCELLED)),
        overdue_logbooks=count(meetings.logbook_overdue(today)),
        last_held_on=last_held,
        quiet_since=Greatest(
            Coalesce(last_held, started, output_field=DateField()),
            Coalesce(last_resumed, started, output_field=DateField()),
        ),
        cancellations_in_a_row=Coalesce("meeting_plan__consecutive_cancellations", Value(0)),
        support_open=Exists(Logbook.objects.filter(meeting__pair=OuterRef("pk")).support_open()),
    )


def pairs_at_risk(
    pairs: QuerySet[Pair], *, today: dt.date
) -> QuerySet[WithAnnotations[Pair, Progress]]:
    """Running pairs with no held meeting for four weeks, three cancellations in a row, an
    overdue logbook or an open support request."""
    return (
        with_progress(pairs.filter(status__in=RUNNING), today=today)
        .filter(
            Q(status=PairStatus.ACTIVE, quiet_since__lt=today - NO_MEETING_RISK_AFTER)
            | Q(cancellations_in_a_row__gte=CANCELLATIONS_AT_RISK)
            | Q(overdue_logbooks__gt=0)
            | Q(support_open=True)
        )
        .select_related("peer", "supporter")
    )


def pairs_plan_over(pairs: QuerySet[Pair], *, today: dt.date) -> QuerySet[Pair]:
    """Active pairs whose plan is over: a plan, and no meeting (of any status) from a week ago
    on."""
    cutoff = timezone.make_aware(dt.datetime.combine(today - PLAN_OVER_AFTER, dt.time(0, 0)))
    return pairs.filter(status=PairStatus.ACTIVE, meeting_plan__isnull=False).exclude(
        Exists(Meeting.objects.filter(pair=OuterRef("pk"), planned_at__gte=cutoff))
    )


def _outcome_complete() -> Q:
    """Every meeting has its outcome recorded and at least one was held."""
    meetings = Meeting.objects.filter(pair=OuterRef("pk"))
    return ~Q(Exists(meetings.filter(status=MeetingStatus.PLANNED))) & Q(
        Exists(meetings.filter(status=MeetingStatus.HELD))
    )


def pairs_due_to_complete(pairs: QuerySet[Pair], *, today: dt.date) -> QuerySet[Pair]:
    """Pairs the hourly task completes: the plan is over, every meeting's outcome is recorded
    and at least one meeting was held."""
    return pairs_plan_over(pairs, today=today).filter(_outcome_complete())


def pairs_awaiting_outcome(
    pairs: QuerySet[Pair], *, today: dt.date
) -> QuerySet[WithAnnotations[Pair, AwaitingOutcome]]:
    """Pairs whose plan is over but that cannot complete: a meeting without a recorded outcome,
    or no meeting held at all. They wait on the manager's dashboard ("Outcome missing") until
    the outcomes are recorded or the pair is ended early with a reason; until then they are
    not completed cases of the evaluation."""
    meetings = Meeting.objects.filter(pair=OuterRef("pk"))
    return (
        pairs_plan_over(pairs, today=today)
        .exclude(_outcome_complete())
        .annotate(
            unrecorded_count=Coalesce(
                Subquery(
                    meetings.filter(status=MeetingStatus.PLANNED)
                    .order_by()
                    .values("pair")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            has_held=Exists(meetings.filter(status=MeetingStatus.HELD)),
        )
    )


def risk_reasons(pair: Pair, *, today: dt.date) -> list[tuple[str, str]]:
    """(code, label) of each risk signal of a pair annotated by `with_progress`."""
    reasons = []
    quiet_since = getattr(pair, "quiet_since", None)
    if (
        pair.status == PairStatus.ACTIVE
        and quiet_since is not None
        and quiet_since < today - NO_MEETING_RISK_AFTER
    ):
        reasons.append(("no_meeting", str(_("No held meeting for four weeks"))))
    if getattr(pair, "cancellations_in_a_row", 0) >= CANCELLATIONS_AT_RISK:
        reasons.append(("cancellations", str(_("Three cancellations in a row"))))
    if getattr(pair, "overdue_logbooks", 0):
        reasons.append(("logbook_overdue", str(_("Overdue logbook"))))
    if getattr(pair, "support_open", False):
        reasons.append(("support", str(_("Support requested"))))
    return reasons


def case_pair_ids(pair: Pair) -> list[int]:
    """The pairs of one case (a substitute supporter's pair continues the earlier one), this
    pair first, then the others in the order they were formed. One query."""
    others = Pair.objects.of_cases([pair.case_key]).exclude(pk=pair.pk).order_by("created_at", "pk")
    return [pair.pk, *others.values_list("pk", flat=True)]
