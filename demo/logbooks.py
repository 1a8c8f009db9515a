"""Logbooks' part of the demo programme (see demo.programme). Idempotent.

Four pairs of the study's Copenhagen sample: an active pair with held meetings, logbooks and one
request for support; an active pair with three cancellations in a row (the supporter's health, as
in the study) that the manager's dashboard shows at risk; a paused pair; and a pair that
completed its six months, proposed first as matching's demo names them. Dates are relative
to the first run; a second run finds every plan, meeting and logbook and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from logbooks import services
from logbooks.factories import PairFactory
from logbooks.models import CancelledBy, CancelReason, Pair, PairStatus, Topic
from tod.accounts.models import Role

from .matching import AGREED, PROPOSED
from .programme import DemoContext, demo_user

PAIRS = [
    # (supporter index, peer index, weeks since the match meeting, scenario)
    (0, 0, 10, "active"),
    (1, 1, 12, "cancellations"),
    (2, 2, 8, "paused"),
    (3, 3, 30, "completed"),
]

ANSWERS = {
    "activities": "Gåtur i Fælledparken og kaffe bagefter",
    "place": "Fælledparken",
    "duration_minutes": 90,
    "topics": [Topic.FOOD, Topic.PHYSICAL_ACTIVITY, Topic.LONELINESS],
    "relationship": "Vi taler lettere sammen nu.",
    "improvements": "Han går selv en tur om morgenen.",
    "reflections": "Det hjælper at jeg selv har haft det svært med maden.",
    "challenges": "",
    "needs_support": False,
    "support_with": "",
    "scale_trust": 4,
    "scale_respect": 5,
    "scale_empathy": 4,
    "scale_care": 4,
    "scale_honesty": 4,
    "scale_equal": 5,
    "role_perception": "befriender",
}


def _pair(ctx: DemoContext, supporter, peer) -> Pair:
    pair = Pair.objects.filter(peer=peer).order_by("id").first()
    if pair is None:
        pair = PairFactory.create(
            site=ctx.site, round=ctx.round, peer=peer, supporter=supporter, status=PairStatus.AGREED
        )
    return pair


def _propose(ctx: DemoContext, manager) -> None:
    """The pairs matching's demo names: the first four Copenhagen peers matched with the first
    four supporters, both agreed (their match meetings are held below); peer 10 proposed to
    supporter 10, waiting for their answers."""
    for supporter_index, peer_index in AGREED + PROPOSED:
        supporter, peer = ctx.supporters[supporter_index], ctx.peers[peer_index]
        if Pair.objects.filter(peer=peer).exists():
            continue
        pair = services.pair_propose(peer=peer, supporter=supporter, by=manager)
        if (supporter_index, peer_index) in AGREED:
            services.pair_answer_record(pair=pair, side="peer", agreed=True, by=manager)
            services.pair_answer_record(pair=pair, side="supporter", agreed=True, by=manager)


def seed(ctx: DemoContext) -> None:
    manager = ctx.users["manager"]
    today = timezone.localdate()
    _propose(ctx, manager)
    for supporter_index, peer_index, weeks, scenario in PAIRS:
        supporter, peer = ctx.supporters[supporter_index], ctx.peers[peer_index]
        pair = _pair(ctx, supporter, peer)
        if hasattr(pair, "meeting_plan") or Pair.objects.get(pk=pair.pk).status in (
            PairStatus.COMPLETED,
            PairStatus.ENDED,
        ):
            continue  # seeded before: nothing to do
        _login(supporter, ctx)
        pair.supporter.refresh_from_db()
        match_on = today - dt.timedelta(weeks=weeks)
        _play(pair, match_on, scenario, manager)


def play_completed(ctx: DemoContext, pair: Pair, *, weeks: int) -> None:
    """A pair that ran its six months from a match meeting `weeks` ago: every meeting held
    with its logbook written (one cancelled for the peer's health), then completed. For the
    other apps' demos (evaluation's completed cases)."""
    _login(pair.supporter, ctx)
    pair.supporter.refresh_from_db()
    _play(pair, timezone.localdate() - dt.timedelta(weeks=weeks), "completed", ctx.users["manager"])


def play_substituted(ctx: DemoContext, pair: Pair, substitute, *, weeks: int, held: int) -> Pair:
    """A case of two supporters, as in the study: the first held `held` meetings, then
    withdrew through ill health and `substitute` took over from the next day (recorded
    afterwards), held the rest and completed the six months from a match meeting `weeks` ago.
    Returns the substitute's pair."""
    manager = ctx.users["manager"]
    writer = _login(pair.supporter, ctx)
    match_on = timezone.localdate() - dt.timedelta(weeks=weeks)
    services.pair_start(
        pair=pair, match_meeting_on=match_on, by=manager, place="Biblioteket", time=dt.time(10)
    )
    first = list(pair.meetings.order_by("planned_at")[:held])
    for meeting in first:
        services.logbook_save(meeting=meeting, by=writer, answers=dict(ANSWERS), submit=True)
    last = timezone.localtime(first[-1].planned_at).date()
    successor = services.pair_substitute_supporter(
        pair=pair,
        supporter=substitute,
        reason="Måtte stoppe på grund af sit helbred.",
        by=manager,
        on=last + dt.timedelta(days=1),
    )
    writer = _login(substitute, ctx)
    for meeting in successor.meetings.filter(planned_at__lt=timezone.now()).order_by("planned_at"):
        services.logbook_save(meeting=meeting, by=writer, answers=dict(ANSWERS), submit=True)
    return services.pair_complete(pair=successor, by=manager)


def _login(supporter, ctx: DemoContext):
    """Supporters of the demo pairs get a login (the first one has `supporter` already)."""
    if supporter.user_id is None:
        supporter.user = demo_user(
            f"supporter-{supporter.first_name.lower()}",
            Role.SUPPORTER,
            [ctx.site],
            supporter.first_name,
            supporter.last_name,
        )
        supporter.save(update_fields=["user"])
    return supporter.user


def _play(pair: Pair, match_on: dt.date, scenario: str, manager) -> None:
    writer = pair.supporter.user
    assert writer is not None, "the demo's supporters have a login (_login)"
    services.pair_start(
        pair=pair, match_meeting_on=match_on, by=manager, place="Biblioteket", time=dt.time(10)
    )
    now = timezone.now()
    past = list(pair.meetings.filter(planned_at__lt=now).order_by("planned_at"))
    for number, meeting in enumerate(past, start=1):
        day = timezone.localtime(meeting.planned_at).date()
        if scenario == "cancellations" and number > len(past) - 3:
            services.meeting_record_cancelled(
                meeting=meeting,
                by=manager,
                cancelled_by=CancelledBy.SUPPORTER,
                reason=CancelReason.SUPPORTER_HEALTH,
                note="",
            )
            continue
        if scenario == "completed" and number == 4:
            services.meeting_record_cancelled(
                meeting=meeting,
                by=manager,
                cancelled_by=CancelledBy.PEER,
                reason=CancelReason.PEER_HEALTH,
            )
            continue
        if scenario == "active" and number == len(past):
            services.meeting_record_held(
                meeting=meeting, by=manager, held_on=day, duration_minutes=60, place="Biblioteket"
            )  # held, logbook not yet written
            continue
        answers = dict(ANSWERS)
        if scenario == "active" and number == len(past) - 1:
            answers.update(
                needs_support=True,
                challenges="Han vil ikke tale om medicin.",
                support_with="Hvordan jeg taler med ham om hans medicin uden at presse.",
            )
        logbook = services.logbook_save(meeting=meeting, by=writer, answers=answers, submit=True)
        if number < len(past) - 2:
            services.logbook_review(logbook=logbook, by=manager)
    if scenario == "paused":
        services.pair_pause(pair=pair, by=manager, reason="Indlagt på hospitalet")
    if scenario == "completed":
        services.pair_complete(pair=pair, by=manager)
