"""The pair's one home (ADR 0009): its state machine refuses illegal steps, the old matching
addresses send bookmarks on, a withdrawal ends pairs through programme's registry, and matching's
pool leaves out whoever a pair holds through matching.occupancy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from logbooks import services
from logbooks.models import PAIR_STEPS, Pair, PairStatus
from matching.occupancy import occupancy
from matching.pool import load_pool, waiting_peers
from programme import registries
from programme import services as programme_services
from programme.models import Kind
from tests.matching.conftest import make_pool_people

S = PairStatus


def refused(step: str):
    """The state machine's refusal of `step`, in the language the test runs in."""
    return pytest.raises(ValidationError, match=re.escape(str(PAIR_STEPS[step].refusal)))


@pytest.fixture
def people(site, programme_round, manager):
    peers = make_pool_people(site, programme_round, manager, Kind.PEER, 2, prefix="Bent")
    supporters = make_pool_people(site, programme_round, manager, Kind.SUPPORTER, 2)
    return peers, supporters


@pytest.fixture
def proposed(people, manager) -> Pair:
    peers, supporters = people
    return services.pair_propose(peer=peers[0], supporter=supporters[0], by=manager)


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (status, step)
        for step, rule in PAIR_STEPS.items()
        for status in S.values
        if status not in rule.sources
    ],
)
def test_every_step_from_a_status_the_table_does_not_allow_is_refused(site, people, status, step):
    peers, supporters = people
    pair = Pair(site=site, peer=peers[0], supporter=supporters[0], status=status)
    assert not pair.can(step)
    with pytest.raises(ValidationError) as refused:
        pair.move(step, PAIR_STEPS[step].targets[0])
    assert refused.value.messages == [str(PAIR_STEPS[step].refusal)]
    assert pair.status == status


def test_the_services_refuse_illegal_steps_and_change_nothing(proposed, manager):
    with refused("start"):
        services.pair_match_meeting_record(
            pair=proposed, held_on=dt.date(2026, 3, 3), expectations="", wishes="", by=manager
        )
    with refused("pause"):
        services.pair_pause(pair=proposed, by=manager)
    with refused("complete"):
        services.pair_complete(pair=proposed, by=manager)
    proposed.refresh_from_db()
    assert proposed.status == S.PROPOSED
    assert not hasattr(proposed, "meeting_plan")


def test_a_refused_pair_cannot_be_ended_or_answered_again(proposed, manager):
    services.pair_answer_record(pair=proposed, side="peer", agreed=False, reason="No", by=manager)
    with refused("end"):
        services.pair_end(pair=proposed, by=manager, reason="late")
    with refused("answer"):
        services.pair_answer_record(pair=proposed, side="supporter", agreed=True, by=manager)
    proposed.refresh_from_db()
    assert proposed.status == S.REFUSED


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/matching/pairs/", "logbooks:pair_list"),
        ("/matching/pairs/{pk}/", "logbooks:pair_detail"),
        ("/matching/pairs/{pk}/answer/", "logbooks:pair_detail"),
        ("/matching/pairs/{pk}/schedule/", "logbooks:pair_detail"),
        ("/matching/pairs/{pk}/meeting/", "logbooks:pair_detail"),
        ("/matching/pairs/{pk}/substitute/", "logbooks:pair_detail"),
    ],
)
def test_the_old_matching_pair_addresses_redirect_permanently(client, manager, proposed, old, new):
    client.force_login(manager)
    response = client.get(old.format(pk=proposed.pk))
    assert response.status_code == 301
    kwargs = {"pk": proposed.pk} if "{pk}" in old else {}
    assert response["Location"] == reverse(new, kwargs=kwargs)


def test_a_withdrawal_ends_open_pairs_through_programmes_registry(people, proposed, manager):
    assert services.pairs_end_for_withdrawal in registries._withdrawal_reactions
    peers, _supporters = people
    withdrawal = programme_services.participant_withdraw(
        participant=peers[0],
        withdrawn_on=dt.date(2026, 3, 1),
        reason="Moved",
        initiated_by="participant",
        data_choice="keep",
        by=manager,
    )
    proposed.refresh_from_db()
    assert proposed.status == S.ENDED
    assert proposed.end_reason.endswith("Moved")
    assert withdrawal.pairs_ended == 1


def test_the_pool_leaves_out_whoever_a_pair_holds_through_the_registry(
    site, people, proposed, manager
):
    peers, supporters = people
    assert occupancy().holding_peer(peers[0].pk).get() == proposed
    assert list(waiting_peers().filter(site=site)) == [peers[1]]
    pool = load_pool(site.pk)
    assert [p.pk for p in pool.peers] == [peers[1].pk]
    # the supporter's one place is taken by the proposed pair
    assert [s.pk for s in pool.supporters] == [supporters[1].pk]
    services.pair_answer_record(pair=proposed, side="peer", agreed=False, reason="No", by=manager)
    pool = load_pool(site.pk)
    assert {p.pk for p in pool.peers} == {peers[0].pk, peers[1].pk}
    assert (peers[0].pk, supporters[0].pk) in pool.forbidden
