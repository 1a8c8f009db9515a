"""The two QuerySet methods the matching app relies on."""

import datetime as dt

from programme import services
from programme.models import (
    Answer,
    ConsentDecision,
    ConsentPurpose,
    DataChoice,
    Kind,
    Participant,
    ScreeningResult,
    Status,
    WithdrawalInitiator,
)
from tests.conftest import make_participant

from .conftest import consent, make_course, screen, train


def withdraw(participant, by):
    services.participant_withdraw(
        participant=participant,
        withdrawn_on=dt.date(2026, 3, 1),
        reason="Health",
        initiated_by=WithdrawalInitiator.PARTICIPANT,
        data_choice=DataChoice.KEEP,
        by=by,
    )


def test_trained_consented_supporter_is_eligible(ready_supporter):
    assert list(Participant.objects.eligible_supporters()) == [ready_supporter]
    ready_supporter.refresh_from_db()
    assert ready_supporter.status == Status.TRAINED


def test_supporter_missing_a_day_is_not_eligible_until_made_up(site, programme_round, manager):
    participant = make_participant(site, Kind.SUPPORTER, round=programme_round)
    consent(participant, manager)
    train(participant, make_course(site, programme_round, manager), manager, days=(1,))
    assert not Participant.objects.eligible_supporters().exists()
    assert list(Participant.objects.waiting_for_training()) == [participant]

    later = make_course(
        site,
        programme_round,
        manager,
        start=dt.datetime(2026, 4, 6, 9, tzinfo=dt.UTC),
        name="Later course",
    )
    train(participant, later, manager, days=(2,))
    assert list(Participant.objects.eligible_supporters()) == [participant]
    assert not Participant.objects.waiting_for_training().exists()


def test_trained_supporter_without_programme_consent_is_not_eligible(
    site, programme_round, manager, ready_supporter
):
    consent(ready_supporter, manager, decision=ConsentDecision.WITHDRAWN)
    assert not Participant.objects.eligible_supporters().exists()


def test_withdrawn_supporter_is_not_eligible(manager, ready_supporter):
    withdraw(ready_supporter, manager)
    assert not Participant.objects.eligible_supporters().exists()


def test_screened_consented_peer_is_eligible(ready_peer):
    assert list(Participant.objects.eligible_peers()) == [ready_peer]
    assert not Participant.objects.eligible_supporters().exists()


def test_peer_needs_eligible_latest_screening(site, manager, ready_peer):
    screen(ready_peer, manager, answer=Answer.UNKNOWN)
    assert not Participant.objects.eligible_peers().exists()
    screen(
        ready_peer,
        manager,
        answer=Answer.UNKNOWN,
        override_result=ScreeningResult.ELIGIBLE,
        override_reason="Known from the Centre",
    )
    assert list(Participant.objects.eligible_peers()) == [ready_peer]


def test_peer_without_consent_or_withdrawn_is_not_eligible(site, manager, ready_peer):
    other = make_participant(site, Kind.PEER)
    screen(other, manager)
    consent(other, manager, purpose=ConsentPurpose.ROUTINE_DATA)
    assert list(Participant.objects.eligible_peers()) == [ready_peer]
    withdraw(ready_peer, manager)
    assert not Participant.objects.eligible_peers().exists()


def test_eligibility_is_one_query(ready_peer, ready_supporter, django_assert_num_queries):
    with django_assert_num_queries(2):
        list(Participant.objects.eligible_peers())
        list(Participant.objects.eligible_supporters())
