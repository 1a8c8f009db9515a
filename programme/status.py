"""A participant's status, derived from the records in one place.

`Participant.status` is a stored label (the list filters and sorts on it, the funnels count it),
so it must never drift from the records it sums up. It is written only here, by
`participant_statuses_refresh`, which the services that change those records call:

    withdrawn   a withdrawal is recorded
    active      in a running pair (active or paused)
    completed   a pair of theirs completed, none running
    trained     a supporter with programme consent who attended course day 1 and day 2
    consented   the latest programme consent answer is "given"
    not_eligible / screened   the latest screening's result (not eligible / any other)
    referred    nothing of the above yet

The first rule that holds wins. Pairs belong to the logbooks app, a layer above this one: it
registers where its pairs are (`register_pair_stages`) when Django starts, so this module reads
them without importing it, and the pair services call the refresh after a pair changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.lookups import Exact, IsNull

from .models import (
    Consent,
    ConsentDecision,
    ConsentPurpose,
    Kind,
    Participant,
    Screening,
    ScreeningResult,
    Status,
    TrainingAttendance,
    Withdrawal,
)

# (participant reference) -> (pairs running now, pairs completed), each filtered to that
# participant as peer or supporter.
PairStages = Callable[[OuterRef], tuple[QuerySet, QuerySet]]
_pair_stages: list[PairStages] = []


# (participant reference) -> pairs that matched the participant: agreed by both, whatever came
# after (the funnel's "matched" stage).
MatchedPairs = Callable[[OuterRef], QuerySet]
_matched_pairs: list[MatchedPairs] = []


def register_pair_stages(stages: PairStages, *, matched: MatchedPairs | None = None) -> None:
    """Called once by the app that owns pairs (logbooks' AppConfig.ready)."""
    if stages not in _pair_stages:
        _pair_stages.append(stages)
    if matched is not None and matched not in _matched_pairs:
        _matched_pairs.append(matched)


def pair_stage_filters(me: OuterRef) -> dict[str, Q]:
    """The funnel's pair stages of the participant `me`: "matched" (a pair agreed by both,
    whatever came after) and "completed", as filters for `Count(filter=...)`. Never true when no
    app registered pairs."""
    matched, completed = Q(pk__in=[]), Q(pk__in=[])
    for pairs in _matched_pairs:
        matched |= Q(Exists(pairs(me)))
    for _running, completed_pairs in (stages(me) for stages in _pair_stages):
        completed |= Q(Exists(completed_pairs))
    return {"matched": matched, "completed": completed}


def status_expression(
    me: OuterRef,
    *,
    screenings: QuerySet,
    consents: QuerySet,
    attendances: QuerySet,
    withdrawals: QuerySet,
    pairs: Iterable[tuple[QuerySet, QuerySet]] = (),
) -> Case:
    """The status of the participant `me` as one SQL expression (the rules of the module's
    docstring). Takes the querysets of the records so the data migration can pass historical
    models."""
    latest_screening = Subquery(
        screenings.filter(participant=me).order_by("-screened_on", "-id").values("result")[:1]
    )
    latest_programme_answer = Subquery(
        consents.filter(participant=me, purpose=ConsentPurpose.PROGRAMME)
        .order_by("-recorded_at", "-id")
        .values("decision")[:1]
    )
    consented = Exact(latest_programme_answer, Value(ConsentDecision.GIVEN))
    attended = attendances.filter(participant=me, attended=True)
    trained = (
        Q(kind=Kind.SUPPORTER)
        & Q(Exists(attended.filter(day__number=1)))
        & Q(Exists(attended.filter(day__number=2)))
    )
    running, completed = Q(), Q()
    for running_pairs, completed_pairs in pairs:
        running |= Q(Exists(running_pairs))
        completed |= Q(Exists(completed_pairs))
    whens = [When(Exists(withdrawals.filter(participant=me)), then=Value(Status.WITHDRAWN))]
    if running:
        whens += [
            When(running, then=Value(Status.ACTIVE)),
            When(completed, then=Value(Status.COMPLETED)),
        ]
    whens += [
        When(Q(consented) & trained, then=Value(Status.TRAINED)),
        When(consented, then=Value(Status.CONSENTED)),
        When(
            Exact(latest_screening, Value(ScreeningResult.NOT_ELIGIBLE)),
            then=Value(Status.NOT_ELIGIBLE),
        ),
        When(IsNull(latest_screening, False), then=Value(Status.SCREENED)),
    ]
    return Case(*whens, default=Value(Status.REFERRED))


def _current_expression() -> Case:
    me = OuterRef("pk")
    return status_expression(
        me,
        screenings=Screening.objects.all(),
        consents=Consent.objects.all(),
        attendances=TrainingAttendance.objects.all(),
        withdrawals=Withdrawal.objects.all(),
        pairs=[stages(me) for stages in _pair_stages],
    )


def statuses_refresh(participants: QuerySet, expression: Case) -> int:
    """Store the derived status of each participant of the queryset whose label differs: one
    query to read, one update per status that changes. Returns how many changed."""
    changed: dict[str, list[int]] = {}
    for pk, stored, derived in (
        participants.annotate(derived_status=expression)
        .values_list("pk", "status", "derived_status")
        .order_by()
    ):
        if stored != derived:
            changed.setdefault(derived, []).append(pk)
    for status, pks in changed.items():
        participants.model.objects.filter(pk__in=pks).update(status=status)
    return sum(len(pks) for pks in changed.values())


def participant_statuses_refresh(*, participants: Iterable[Participant | int]) -> int:
    """Bring the stored status of these participants in line with their records. Call it after
    a change to a screening, a consent, course attendance, a pair or a withdrawal. Idempotent;
    the caller's transaction holds it."""
    participants = list(participants)
    pks = [p.pk if isinstance(p, Participant) else p for p in participants]
    if not pks:
        return 0
    changed = statuses_refresh(Participant.objects.filter(pk__in=pks), _current_expression())
    for participant in participants:
        if isinstance(participant, Participant) and changed:
            participant.refresh_from_db(fields=["status"])
    return changed


def participant_status_derived(participant: Participant) -> str:
    """What the status should be now (for checks and tests)."""
    derived: str = (
        Participant.objects.filter(pk=participant.pk)
        .annotate(derived_status=_current_expression())
        .values_list("derived_status", flat=True)
        .get()
    )
    return derived
