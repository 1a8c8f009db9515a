"""Fixtures for the evaluation: cases (started pairs) whose peer and supporter consented to the
evaluation, with real-looking identifying values the pseudonymisation tests search for."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.models import Pair, PairStatus
from programme import services as programme_services
from programme.models import (
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Kind,
    Participant,
    Sex,
)
from tests.conftest import make_participant

# The identifying values of the fixture's people: none may appear on an evaluator page or in an
# export.
PEER_VALUES = {
    "first_name": "Bentholm",
    "last_name": "Madsenius",
    "phone": "+4520304050",
    "email": "bentholm.madsenius@example.org",
    "address": "Jagtvej 1234, 2200 København N",
    "date_of_birth": dt.date(1957, 6, 5),
}
SUPPORTER_VALUES = {
    "phone": "+4560708090",
    "email": "hanne.larsen@example.org",
    "address": "Amagerbrogade 987",
    "date_of_birth": dt.date(1958, 3, 14),
}


def identifying_values() -> list[str]:
    return [
        PEER_VALUES["first_name"],
        PEER_VALUES["last_name"],
        "20304050",
        "20 30 40 50",
        PEER_VALUES["email"],
        "Jagtvej 1234",
        "Hanne",
        "Larsen",
        "60708090",
        "60 70 80 90",
        SUPPORTER_VALUES["email"],
        "Amagerbrogade",
        "1957-06-05",
        "05.06.1957",
        "5. juni 1957",
        "1958-03-14",
        "14.03.1958",
    ]


def give_evaluation_consent(participant: Participant, by, decision=ConsentDecision.GIVEN):
    for purpose in (ConsentPurpose.PROGRAMME, ConsentPurpose.EVALUATION):
        programme_services.consent_record(
            participant=participant,
            purpose=purpose,
            decision=decision if purpose == ConsentPurpose.EVALUATION else ConsentDecision.GIVEN,
            decided_on=dt.date(2026, 1, 11),
            method=ConsentMethod.WRITTEN,
            by=by,
        )


def make_case(
    site, programme_round, by, *, peer=None, supporter=None, started_on=None, **peer_fields
):
    peer = peer or make_participant(site, Kind.PEER, round=programme_round, **peer_fields)
    supporter = supporter or make_participant(
        site, Kind.SUPPORTER, round=programme_round, sex=Sex.MALE
    )
    for person in (peer, supporter):
        give_evaluation_consent(person, by)
    return Pair.objects.create(
        site=site,
        round=programme_round,
        peer=peer,
        supporter=supporter,
        status=PairStatus.ACTIVE,
        started_on=started_on or dt.date(2026, 2, 1),
    )


@pytest.fixture
def case(site, programme_round, manager, supporter):
    """Bentholm Madsenius (peer) with Hanne Larsen (the supporter persona)."""
    supporter_participant = Participant.objects.get(user=supporter)
    for name, value in SUPPORTER_VALUES.items():
        setattr(supporter_participant, name, value)
    supporter_participant.save()
    return make_case(
        site,
        programme_round,
        manager,
        supporter=supporter_participant,
        sex=Sex.MALE,
        **PEER_VALUES,
    )


@pytest.fixture
def other_case(other_site, other_manager):
    from programme.models import Round

    other_round = Round.objects.create(
        site=other_site, name="2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    return make_case(other_site, other_round, other_manager, first_name="Aarhusian")
