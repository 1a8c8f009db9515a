"""The funder's report: the programme's figures for one site and one round (or all its rounds).

Each figure is defined here once; the page (templates/logbooks/funder_report.html), its CSV and
docs/logbooks.md repeat these definitions in the user's words. Every figure is an aggregate or an
annotated queryset, so the report costs the same number of queries whatever the size of the
site (tests/perf pins it).

Scope: a pair belongs to a round by its own round, or, when it has none, by its peer's round; a
participant by their round; courses and supervision or network meetings by their round. With
"all rounds", everything of the site counts, including records that have no round.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

# Pair moves to logbooks.models; until then it lives in matching.
from logbooks.models import Pair, PairStatus
from programme.models import (
    Course,
    CourseInvitation,
    Round,
    Session,
    SessionInvitation,
    SessionKind,
    TrainingAttendance,
    TrainingDay,
    Withdrawal,
)
from tod.accounts.models import Site

from .models import CancelReason, LogbookStatus, Meeting, MeetingStatus

# Pairs that met: proposed, agreed or refused pairs have no meetings to report.
STARTED = (PairStatus.ACTIVE, PairStatus.PAUSED, PairStatus.COMPLETED, PairStatus.ENDED)
WRITTEN = (LogbookStatus.SUBMITTED, LogbookStatus.REVIEWED)
DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class PairRow:
    """One pair's meetings, without names: the funder reads "Pair 3", not who it is."""

    number: int
    status: str
    ended_early: bool
    started_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    planned: int
    held: int
    held_extra: int
    cancelled: int
    missed: int
    logbooks: int
    weeks_to_match: float | None


@dataclass(frozen=True)
class CourseRow:
    name: str
    invited: int
    attended_day_1: int
    attended_day_2: int
    attended_all: int


@dataclass(frozen=True)
class SessionRow:
    kind: str
    sessions: int
    invited: int
    attended: int
    absent: int
    not_recorded: int


@dataclass(frozen=True)
class DropOut:
    withdrawn_on: dt.date
    kind: str
    initiated_by: str
    reason: str


@dataclass
class FunderReport:
    site: Site
    round: Round | None  # None: all the site's rounds
    made_at: dt.datetime
    pairs: list[PairRow] = field(default_factory=list)
    cancel_reasons: list[tuple[str, int]] = field(default_factory=list)
    courses: list[CourseRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)
    drop_outs: list[DropOut] = field(default_factory=list)
    meeting_minutes: int = 0
    meetings_without_duration: int = 0
    training_minutes: int = 0
    session_minutes: int = 0

    # Totals of the pairs' table
    @property
    def planned(self) -> int:
        return sum(row.planned for row in self.pairs)

    @property
    def held(self) -> int:
        return sum(row.held for row in self.pairs)

    @property
    def cancelled(self) -> int:
        return sum(row.cancelled for row in self.pairs)

    @property
    def missed(self) -> int:
        return sum(row.missed for row in self.pairs)

    @property
    def logbooks(self) -> int:
        return sum(row.logbooks for row in self.pairs)

    @property
    def pairs_ended_early(self) -> list[PairRow]:
        return [row for row in self.pairs if row.ended_early]

    @property
    def weeks_to_match(self) -> list[float]:
        return [row.weeks_to_match for row in self.pairs if row.weeks_to_match is not None]

    @property
    def weeks_to_match_median(self) -> float | None:
        weeks = self.weeks_to_match
        return round(statistics.median(weeks), 1) if weeks else None

    @property
    def weeks_to_match_range(self) -> tuple[float, float] | None:
        weeks = self.weeks_to_match
        return (min(weeks), max(weeks)) if weeks else None

    @property
    def volunteer_hours(self) -> float:
        minutes = self.meeting_minutes + self.training_minutes + self.session_minutes
        return hours(minutes)


def hours(minutes: int) -> float:
    """Minutes as hours with one decimal, as the report prints them."""
    return round(minutes / 60, 1)


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (filtered by an OuterRef), 0 when it is empty."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _minutes(queryset: QuerySet, starts: str, ends: str) -> int:
    """Sum of (ends - starts) over `queryset`, in whole minutes."""
    total = queryset.aggregate(
        total=Sum(ExpressionWrapper(F(ends) - F(starts), output_field=DurationField()))
    )["total"]
    return int(total.total_seconds() // 60) if total else 0


def pairs_of(site: Site, round_: Round | None) -> QuerySet:
    """The started pairs of the site and round (a pair without a round: its peer's round)."""
    pairs = Pair.objects.filter(site=site, status__in=STARTED)
    if round_ is not None:
        pairs = pairs.annotate(_round=Coalesce("round", "peer__round")).filter(_round=round_.pk)
    return pairs


def pair_rows(pairs: QuerySet) -> list[PairRow]:
    """Per pair: planned = the meetings of its plan (the 13 biweekly meetings, whatever became of
    them); held = every held meeting, extra ones included; cancelled and missed; logbooks =
    submitted or reviewed logbooks (drafts are not counted); weeks from the peer's referral
    (the day the referral was recorded) to the match meeting, for the first pair of a case
    only (a substitute supporter's pair continues the same peer's case)."""
    held = Q(meetings__status=MeetingStatus.HELD)
    rows = (
        pairs.annotate(
            planned=Count("meetings", filter=Q(meetings__sequence__isnull=False)),
            held=Count("meetings", filter=held),
            held_extra=Count("meetings", filter=held & Q(meetings__sequence__isnull=True)),
            cancelled=Count("meetings", filter=Q(meetings__status=MeetingStatus.CANCELLED)),
            missed=Count("meetings", filter=Q(meetings__status=MeetingStatus.MISSED)),
            logbooks=Count("meetings__logbook", filter=Q(meetings__logbook__status__in=WRITTEN)),
            matched_on=Coalesce("match_meeting_held_on", "started_on"),
        )
        .order_by("started_on", "pk")
        .values(
            "status",
            "started_on",
            "ended_on",
            "end_reason",
            "planned",
            "held",
            "held_extra",
            "cancelled",
            "missed",
            "logbooks",
            "matched_on",
            "previous_pair_id",
            "peer__created_at",
        )
    )
    result = []
    for number, row in enumerate(rows, start=1):
        weeks = None
        if row["matched_on"] and row["previous_pair_id"] is None:
            referred_on = timezone.localdate(row["peer__created_at"])
            weeks = round((row["matched_on"] - referred_on).days / DAYS_PER_WEEK, 1)
        result.append(
            PairRow(
                number=number,
                status=str(PairStatus(row["status"]).label),
                ended_early=row["status"] == PairStatus.ENDED,
                started_on=row["started_on"],
                ended_on=row["ended_on"],
                end_reason=row["end_reason"],
                planned=row["planned"],
                held=row["held"],
                held_extra=row["held_extra"],
                cancelled=row["cancelled"],
                missed=row["missed"],
                logbooks=row["logbooks"],
                weeks_to_match=weeks,
            )
        )
    return result


def course_rows(site: Site, round_: Round | None) -> list[CourseRow]:
    """Per training course of the round: supporters invited (invitations not cancelled), those
    present on day 1, on day 2, and on every day of the course."""
    courses = Course.objects.filter(site=site)
    if round_ is not None:
        courses = courses.filter(round=round_)
    present = TrainingAttendance.objects.filter(day__course=OuterRef("pk"), attended=True)
    invited = CourseInvitation.objects.filter(course=OuterRef("pk"), cancelled_at__isnull=True)
    rows = courses.annotate(
        invited=_count(invited),
        day_1=_count(present.filter(day__number=1)),
        day_2=_count(present.filter(day__number=2)),
        attended_all=_count(
            invited.annotate(
                _present=_count(
                    TrainingAttendance.objects.filter(
                        day__course=OuterRef("course"),
                        participant=OuterRef("participant"),
                        attended=True,
                    )
                ),
                _days=_count(TrainingDay.objects.filter(course=OuterRef("course"))),
            ).filter(_present__gte=F("_days"), _days__gt=0)
        ),
    ).order_by("created_at", "pk")
    return [
        CourseRow(
            name=course.name,
            invited=course.invited,
            attended_day_1=course.day_1,
            attended_day_2=course.day_2,
            attended_all=course.attended_all,
        )
        for course in rows
    ]


def held_sessions(site: Site, round_: Round | None, now: dt.datetime) -> QuerySet:
    """Supervision and network meetings of the round that were not cancelled and have begun."""
    sessions = Session.objects.filter(site=site, cancelled_at__isnull=True, starts_at__lte=now)
    return sessions.filter(round=round_) if round_ is not None else sessions


def session_rows(sessions: QuerySet) -> list[SessionRow]:
    """Per kind (supervision, network meeting): meetings held, supporters invited, and of the
    invitations those recorded as present, absent, or not recorded yet."""
    rows = (
        sessions.order_by()
        .values("kind")
        .annotate(
            sessions=Count("pk", distinct=True),
            invited=Count("invitations"),
            attended=Count("invitations", filter=Q(invitations__attended=True)),
            absent=Count("invitations", filter=Q(invitations__attended=False)),
            not_recorded=Count(
                "invitations",
                filter=Q(invitations__pk__isnull=False, invitations__attended__isnull=True),
            ),
        )
        .order_by("kind")
    )
    return [
        SessionRow(
            kind=str(SessionKind(row["kind"]).label),
            sessions=row["sessions"],
            invited=row["invited"],
            attended=row["attended"],
            absent=row["absent"],
            not_recorded=row["not_recorded"],
        )
        for row in rows
    ]


def drop_outs(site: Site, round_: Round | None) -> list[DropOut]:
    """Peers and supporters of the round who withdrew from the programme, with the reason as
    recorded at the withdrawal (free text, shown as written), earliest first."""
    withdrawals = Withdrawal.objects.filter(participant__site=site)
    if round_ is not None:
        withdrawals = withdrawals.filter(participant__round=round_)
    return [
        DropOut(
            withdrawn_on=w.withdrawn_on,
            kind=w.participant.get_kind_display(),
            initiated_by=w.get_initiated_by_display(),
            reason=w.reason,
        )
        for w in withdrawals.select_related("participant").order_by("withdrawn_on", "pk")
    ]


def _cancel_reason_label(value: str) -> str:
    return str(CancelReason(value).label) if value in CancelReason.values else str(_("Not given"))


def funder_report(*, site: Site, round_: Round | None, now: dt.datetime) -> FunderReport:
    """The figures of one site and round (None: all its rounds) as of `now`."""
    pairs = pairs_of(site, round_)
    meetings = Meeting.objects.filter(pair__in=pairs.values("pk"))
    held = meetings.filter(status=MeetingStatus.HELD)
    cancelled = (
        meetings.filter(status=MeetingStatus.CANCELLED)
        .order_by()
        .values("cancel_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "cancel_reason")
    )
    sessions = held_sessions(site, round_, now)
    courses = Course.objects.filter(site=site)
    if round_ is not None:
        courses = courses.filter(round=round_)
    held_totals = held.aggregate(
        minutes=Coalesce(Sum("duration_minutes"), 0),
        without=Count("pk", filter=Q(duration_minutes__isnull=True)),
    )
    return FunderReport(
        site=site,
        round=round_,
        made_at=now,
        pairs=pair_rows(pairs),
        cancel_reasons=[(_cancel_reason_label(r["cancel_reason"]), r["n"]) for r in cancelled],
        courses=course_rows(site, round_),
        sessions=session_rows(sessions),
        drop_outs=drop_outs(site, round_),
        meeting_minutes=held_totals["minutes"],
        meetings_without_duration=held_totals["without"],
        training_minutes=_minutes(
            TrainingAttendance.objects.filter(
                day__course__in=courses.values("pk"), attended=True, day__starts_at__lte=now
            ),
            "day__starts_at",
            "day__ends_at",
        ),
        session_minutes=_minutes(
            SessionInvitation.objects.filter(session__in=sessions.values("pk"), attended=True),
            "session__starts_at",
            "session__ends_at",
        ),
    )
