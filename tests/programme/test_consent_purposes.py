"""The research purposes on the programme's side: the manager's form asks each participant about
the purposes of their kind, the participant page shows them, and an erasure withdraws all of
them (docs/programme.md, "Consent")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programme import services
from programme.models import (
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    ConsentText,
    DataChoice,
    Kind,
    Participant,
    WithdrawalInitiator,
)
from tests.conftest import make_participant
from tests.evaluation.conftest import give_evaluation_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_consent_form_asks_a_peer_three_purposes_and_a_supporter_four(
    client, manager, site, programme_round
):
    peer = make_participant(site, Kind.PEER, round=programme_round)
    supporter = make_participant(site, Kind.SUPPORTER, round=programme_round)
    client.force_login(manager)

    def offered(person):
        form = client.get(reverse("programme:participant_consent", args=[person.pk])).context[
            "form"
        ]
        return [value for value, _label in form.fields["purpose"].choices]

    assert offered(peer) == ["programme", "routine_data", "interview"]
    assert offered(supporter) == ["programme", "routine_data", "interview", "observation"]


def test_observation_consent_for_a_peer_is_refused(client, manager, site, programme_round):
    peer = make_participant(site, Kind.PEER, round=programme_round)
    text = ConsentText.objects.current(ConsentPurpose.OBSERVATION, site=site)
    client.force_login(manager)

    response = client.post(
        reverse("programme:participant_consent", args=[peer.pk]),
        {
            "purpose": "observation",
            "decision": "given",
            "text": text.pk,
            "decided_on": "2026-01-11",
            "method": "written",
        },
    )

    assert response.status_code == 200 and "purpose" in response.context["form"].errors
    with pytest.raises(ValidationError):
        services.consent_record(
            participant=peer,
            purpose=ConsentPurpose.OBSERVATION,
            decision=ConsentDecision.GIVEN,
            decided_on=dt.date(2026, 1, 11),
            method=ConsentMethod.WRITTEN,
            by=manager,
        )
    assert not peer.consents.exists()


def test_participant_page_shows_each_purpose_with_its_answer(
    client, manager, site, programme_round
):
    peer = make_participant(site, Kind.PEER, round=programme_round)
    give_evaluation_consent(
        peer, manager, ConsentDecision.DECLINED, purposes=(ConsentPurpose.INTERVIEW,)
    )
    client.force_login(manager)

    page = client.get(reverse("programme:participant_detail", args=[peer.pk])).content.decode()

    consent = page.split(">Consent</h2>")[1].split("</ul>")[0]
    assert "Use of routine data (visits, logbooks, meetings) in the evaluation" in consent
    assert "Being interviewed for the evaluation:" in consent
    assert "Declined" in consent
    assert "Being observed" not in consent


def test_erasure_withdraws_every_research_consent(manager, site, programme_round):
    supporter = make_participant(site, Kind.SUPPORTER, round=programme_round)
    give_evaluation_consent(supporter, manager)

    services.participant_withdraw(
        participant=supporter,
        withdrawn_on=dt.date(2026, 3, 1),
        reason="Moving away",
        initiated_by=WithdrawalInitiator.PARTICIPANT,
        data_choice=DataChoice.ERASE,
        by=manager,
    )

    latest = services.current_consents(Participant.objects.get(pk=supporter.pk))
    assert {purpose: answer.decision for purpose, answer in latest.items()} == {
        "programme": "given",
        "routine_data": "withdrawn",
        "interview": "withdrawn",
        "observation": "withdrawn",
    }
