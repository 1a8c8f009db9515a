"""Pairs for the logbook tests: `pair` (the `supporter` persona's peer), started on a frozen
Tuesday 2026-03-03 unless a test starts it itself."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from logbooks.factories import PairFactory
from logbooks.models import Pair
from programme.models import Kind
from tests.conftest import make_participant
from tod.accounts.models import Site

MATCH_DAY = dt.date(2026, 3, 3)  # a Tuesday, four weeks before summer time begins


def aware(year, month, day, hour=10, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def make_pair(site: Site, supporter_user=None, **peer_fields) -> Pair:
    """An agreed pair of `site`: Bent (the peer) with the supporter of `supporter_user`, or a new
    supporter."""
    if supporter_user is not None:
        supporter = supporter_user.participant
    else:
        supporter = make_participant(site, Kind.SUPPORTER)
    peer = make_participant(site, Kind.PEER, first_name="Bent", **peer_fields)
    return PairFactory.create(site=site, peer=peer, supporter=supporter)


@pytest.fixture
def frozen():
    """The clock at the match meeting: Tuesday 2026-03-03 12:00 in Copenhagen."""
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as traveller:
        yield traveller


@pytest.fixture
def pair(site, supporter) -> Pair:
    return make_pair(site, supporter, phone="+4520202020")


@pytest.fixture
def started_pair(pair, manager, frozen) -> Pair:
    from logbooks.services import pair_start

    return pair_start(
        pair=pair, match_meeting_on=MATCH_DAY, by=manager, weekday=3, time=dt.time(10), place="Café"
    )


@pytest.fixture
def other_site_pair(other_site) -> Pair:
    return make_pair(other_site)
