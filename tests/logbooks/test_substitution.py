"""A substitute supporter from the proposal on: the case keeps its plan."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from logbooks import services
from logbooks.models import MeetingStatus, Pair, PairStatus
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


def _started_pair(site, programme_round, manager, clock):
    """Bent with his first supporter from a match meeting on Tuesday 3 March 2026 (meetings
    every second Tuesday); and a second supporter who could take over."""
    peer = make_pool_people(site, programme_round, manager, Kind.PEER, 1, prefix="Bent")[0]
    first, second = make_pool_people(site, programme_round, manager, Kind.SUPPORTER, 2)
    pair = services.pair_propose(peer=peer, supporter=first, by=manager)
    services.pair_answer_record(pair=pair, side="peer", agreed=True, by=manager)
    services.pair_answer_record(pair=pair, side="supporter", agreed=True, by=manager)
    pair = services.pair_match_meeting_record(
        pair=pair, held_on=dt.date(2026, 3, 3), expectations="E", wishes="W", by=manager
    )
    return pair, second


def test_a_substitution_recorded_afterwards_dates_the_case_from_the_day_given(
    site, programme_round, manager
):
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        pair, second = _started_pair(site, programme_round, manager, clock)
        meetings = list(pair.meetings.order_by("sequence"))
        clock.move_to(aware(2026, 4, 1, 12))
        for meeting in meetings[:2]:  # 17 and 31 March, held with the first supporter
            services.meeting_record_held(
                meeting=meeting,
                by=manager,
                held_on=timezone.localtime(meeting.planned_at).date(),
                duration_minutes=60,
                place="Café",
            )
        # On 1 May the manager records that the substitute took over on 1 April.
        clock.move_to(aware(2026, 5, 1, 12))
        successor = services.pair_substitute_supporter(
            pair=pair, supporter=second, reason="Ill health", by=manager, on=dt.date(2026, 4, 1)
        )
    pair.refresh_from_db()
    assert pair.ended_on == successor.started_on == dt.date(2026, 4, 1)
    # The meetings from 1 April are the substitute's, those of 14 and 28 April still waiting
    # for their outcome; the first supporter keeps the two they held.
    assert list(pair.meetings.values_list("status", flat=True)) == [MeetingStatus.HELD] * 2
    moved = list(successor.meetings.order_by("planned_at"))
    assert len(moved) == 11 and {m.status for m in moved} == {MeetingStatus.PLANNED}
    assert timezone.localtime(moved[0].planned_at).date() == dt.date(2026, 4, 14)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2026, 5, 2), "fremtiden"),
        (dt.date(2026, 3, 2), "før parret startede"),
        (dt.date(2026, 3, 30), "holdt et møde efter den dag"),
    ],
)
def test_a_substitution_on_an_impossible_day_is_refused_and_changes_nothing(
    site, programme_round, manager, day, message
):
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        pair, second = _started_pair(site, programme_round, manager, clock)
        held = pair.meetings.order_by("sequence")[1]  # 31 March
        clock.move_to(aware(2026, 5, 1, 12))
        services.meeting_record_held(
            meeting=held, by=manager, held_on=dt.date(2026, 3, 31), duration_minutes=60
        )
        with pytest.raises(ValidationError, match=message):
            services.pair_substitute_supporter(
                pair=pair, supporter=second, reason="Ill health", by=manager, on=day
            )
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE and not Pair.objects.filter(previous_pair=pair)


def test_the_manager_gives_the_day_on_the_page_and_a_wrong_day_keeps_what_was_typed(
    client, site, programme_round, manager
):
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        pair, second = _started_pair(site, programme_round, manager, clock)
        clock.move_to(aware(2026, 5, 1, 12))
        client.force_login(manager)
        url = reverse("logbooks:pair_substitute", args=[pair.pk])
        page = client.get(reverse("logbooks:pair_detail", args=[pair.pk]), {"substitute": "1"})
        assert 'value="2026-05-01"' in page.content.decode()  # today, unless changed
        typed = {"supporter": second.pk, "reason": "Faldt og brækkede hoften"}
        refused = client.post(url, {**typed, "took_over_on": "2026-02-20"})
        assert refused.status_code == 400
        body = refused.content.decode()
        assert "Faldt og brækkede hoften" in body and 'value="2026-02-20"' in body
        assert not Pair.objects.filter(previous_pair=pair).exists()
        client.post(url, {**typed, "took_over_on": "2026-04-01"})
    successor = Pair.objects.get(previous_pair=pair)
    assert successor.started_on == dt.date(2026, 4, 1)
