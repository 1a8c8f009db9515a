"""A substitute supporter from the proposal on: the case keeps its plan."""

import datetime as dt

import time_machine

from logbooks import services
from logbooks.models import MeetingStatus
from programme.models import Kind
from tests.matching.conftest import make_pool_people
from tod.outbox.models import Reminder, ReminderKind

from .conftest import aware


def test_a_substitution_hands_the_remaining_plan_to_the_new_pair(site, programme_round, manager):
    peer = make_pool_people(site, programme_round, manager, Kind.PEER, 1, prefix="Bent")[0]
    first, second = make_pool_people(site, programme_round, manager, Kind.SUPPORTER, 2)
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        pair = services.pair_propose(peer=peer, supporter=first, by=manager)
        services.pair_answer_record(pair=pair, side="peer", agreed=True, by=manager)
        services.pair_answer_record(pair=pair, side="supporter", agreed=True, by=manager)
        pair = services.pair_match_meeting_record(
            pair=pair,
            held_on=dt.date(2026, 3, 3),
            expectations="E",
            wishes="W",
            by=manager,
            weekday=3,
            place="Café",
        )
        assert pair.meetings.count() == 13
        clock.move_to(aware(2026, 5, 1, 12))
        successor = services.pair_substitute_supporter(
            pair=pair, supporter=second, reason="Ill health", by=manager
        )
        assert services.pairs_continue_substituted() == 0  # the substitution already moved it
    remaining = successor.meetings.all()
    assert remaining.count() == 9
    assert {m.status for m in remaining} == {MeetingStatus.PLANNED}
    assert successor.meeting_plan.place == "Café"
    assert not pair.meetings.filter(
        status=MeetingStatus.PLANNED, planned_at__gte=aware(2026, 5, 1)
    ).exists()
    pending = Reminder.objects.pending().filter(kind=ReminderKind.MEETING)
    # nothing is left pending for the supporter who left the case
    assert not pending.exclude(topic__in=[f"meeting:{m.pk}" for m in remaining]).exists()
