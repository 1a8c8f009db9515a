"""Consent by purpose (docs/evaluation.md, "Consent"): routine data, being interviewed and being
observed are answered apart, and declining one keeps what the others allow. As in the study,
a peer who declined only their own interview keeps their case, visits and logbooks in the
evaluation, and the supporter's interview about them is recorded and exported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluation import reports, services
from evaluation.models import Interview, NurseVisit, Observation
from evaluation.observed import WITHHELD
from evaluation.pseudonyms import case_pseudonym, participant_pseudonym
from logbooks.factories import LogbookFactory, MeetingFactory, PairFactory
from logbooks.models import MeetingStatus, PairStatus
from programme import services as programme_services
from programme.factories import SessionFactory, at
from programme.models import (
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Kind,
    SessionInvitation,
    Sex,
)
from programme.models.supervision import SessionKind
from tests.conftest import make_participant

from .conftest import give_evaluation_consent, record_evaluation
from .test_pseudonymised_export import tables

pytestmark = pytest.mark.django_db

INTERVIEW = reverse("evaluation:interview_create")


@pytest.fixture
def client(client, settings):
    """The pages in English (the user's language cookie), as the messages below are."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def case_with(site, programme_round, by, *, peer_declines=(), supporter_declines=()):
    """A started pair whose peer and supporter gave every research consent but those named."""
    peer = make_participant(site, Kind.PEER, round=programme_round)
    supporter = make_participant(site, Kind.SUPPORTER, round=programme_round, sex=Sex.MALE)
    give_evaluation_consent(peer, by, ConsentDecision.DECLINED, purposes=peer_declines)
    give_evaluation_consent(supporter, by, ConsentDecision.DECLINED, purposes=supporter_declines)
    return PairFactory.create(
        site=site,
        round=programme_round,
        peer=peer,
        supporter=supporter,
        status=PairStatus.ACTIVE,
        started_on=dt.date(2026, 2, 1),
    )


def interview(client, pair, informant, **values):
    data = {
        "pair": pair.pk if pair else "",
        "informant_type": informant,
        "conducted_on": "2026-08-12",
        "mode": "in_person",
        "transcript": "Interviewer: How did it go?\nAnswer: We met every second week.",
    }
    return client.post(INTERVIEW, {**data, **values})


@pytest.fixture
def declined_interview(site, programme_round, manager):
    return case_with(site, programme_round, manager, peer_declines=(ConsentPurpose.INTERVIEW,))


def test_case_of_a_peer_who_declined_only_the_interview_stays_in_the_evaluation(
    client, evaluator, nurse, manager, declined_interview
):
    record_evaluation(declined_interview, nurse)
    meeting = MeetingFactory.create(
        pair=declined_interview,
        planned_at=timezone.now(),
        status=MeetingStatus.HELD,
        held_on=dt.date(2026, 2, 15),
    )
    LogbookFactory.create(meeting=meeting, author=manager, reflections="We walked to the harbour.")
    client.force_login(evaluator)

    listed = client.get(reverse("evaluation:case_list")).content.decode()
    exported = tables(client)

    pseudonym = case_pseudonym(declined_interview.pk)
    assert pseudonym in listed
    assert [row["case"] for row in exported["cases"]] == [pseudonym]
    assert NurseVisit.objects.filter(peer=declined_interview.peer).count() == 2
    assert {row["case"] for row in exported["outcomes"]} == {pseudonym}
    assert [row["case"] for row in exported["logbooks"]] == [pseudonym]


def test_interview_of_a_peer_who_declined_it_is_refused_with_a_message(
    client, evaluator, declined_interview
):
    client.force_login(evaluator)

    response = interview(client, declined_interview, "peer")

    assert response.status_code == 200
    assert "has not consented to being interviewed" in response.content.decode()
    assert not Interview.objects.exists()


def test_supporter_interview_about_a_peer_who_declined_theirs_is_recorded_and_exported(
    client, evaluator, declined_interview
):
    client.force_login(evaluator)

    response = interview(client, declined_interview, "supporter")
    case_page = client.get(reverse("evaluation:case_detail", args=[declined_interview.pk]))
    exported = tables(client)

    assert response.status_code == 302
    stored = Interview.objects.get()
    assert stored.pair == declined_interview
    assert reverse("evaluation:interview_detail", args=[stored.pk]) in case_page.content.decode()
    assert [(row["case"], row["informant_type"]) for row in exported["interviews"]] == [
        (case_pseudonym(declined_interview.pk), "supporter")
    ]


def test_supporter_interview_is_refused_when_the_supporter_declined_it(
    client, evaluator, site, programme_round, manager
):
    pair = case_with(site, programme_round, manager, supporter_declines=(ConsentPurpose.INTERVIEW,))
    client.force_login(evaluator)

    response = interview(client, pair, "supporter")

    assert response.status_code == 200
    assert not Interview.objects.exists()
    assert interview(client, pair, "peer").status_code == 302


def test_declining_routine_data_removes_the_case_but_an_interview_without_it_is_kept(
    client, evaluator, nurse, site, programme_round, manager
):
    """What we decided: the case (its records, visits, logbooks) needs routine data, and an
    interview is linked to a case only when the case is in the evaluation. A peer who agreed to
    be interviewed but not to the use of their routine data can still be interviewed; the
    interview is recorded without a case and exported with an empty case."""
    pair = case_with(site, programme_round, manager, peer_declines=(ConsentPurpose.ROUTINE_DATA,))
    client.force_login(evaluator)

    linked = interview(client, pair, "peer")
    unlinked = interview(client, None, "peer")
    exported = tables(client)

    assert linked.status_code == 200 and "pair" in linked.context["form"].errors
    assert unlinked.status_code == 302
    assert exported["cases"] == []
    assert [(row["case"], row["informant_type"]) for row in exported["interviews"]] == [
        ("", "peer")
    ]
    with pytest.raises(ValidationError):
        services.nurse_visit_save(peer=pair.peer, kind="pre", values={}, by=nurse)


def test_interview_is_left_out_once_its_informant_withdraws_interview_consent(
    client, evaluator, manager, declined_interview
):
    client.force_login(evaluator)
    interview(client, declined_interview, "supporter")
    stored = Interview.objects.get()

    programme_services.consent_record(
        participant=declined_interview.supporter,
        purpose=ConsentPurpose.INTERVIEW,
        decision=ConsentDecision.WITHDRAWN,
        decided_on=dt.date(2026, 9, 1),
        method=ConsentMethod.WRITTEN,
        by=manager,
    )

    detail = client.get(reverse("evaluation:interview_detail", args=[stored.pk]))
    listed = client.get(reverse("evaluation:interview_list")).content.decode()
    assert detail.status_code == 404
    assert reverse("evaluation:interview_detail", args=[stored.pk]) not in listed
    assert tables(client)["interviews"] == []
    assert tables(client)["cases"] != []  # the routine data still counts


def test_quotes_from_an_interview_go_with_it_when_its_informant_withdraws(
    client, evaluator, manager, declined_interview, theory
):
    """Evidence quoting the interview, for the case and for the programme theory, leaves the
    case page, the theory page, the ICAMO matrix's count and evidence.csv with the interview."""
    client.force_login(evaluator)
    interview(client, declined_interview, "supporter")
    stored = Interview.objects.get()
    quote = "We met every second week."
    unit = services.meaning_unit_add(source=stored, text=quote, code_groups=[], by=evaluator)
    mechanism = services.mechanism_add(
        pair=declined_interview, category="trust", actor="both", by=evaluator
    )
    configuration = theory.configurations.get()
    for target in (mechanism, configuration):
        services.evidence_add(
            target=target,
            site_id=declined_interview.site_id,
            source_kind="interview",
            quote=quote,
            excerpt=unit,
            interview=stored,
            by=evaluator,
        )
    case_page = reverse("evaluation:case_detail", args=[declined_interview.pk])
    theory_page = reverse("evaluation:theory_detail", args=[theory.pk])
    assert quote in client.get(case_page).content.decode()
    assert quote in client.get(theory_page).content.decode()
    assert len(tables(client)["evidence"]) == 2
    assert reports.icamo_matrix(evaluator, theory)[0]["evidence"] == 1

    programme_services.consent_record(
        participant=declined_interview.supporter,
        purpose=ConsentPurpose.INTERVIEW,
        decision=ConsentDecision.WITHDRAWN,
        decided_on=dt.date(2026, 9, 1),
        method=ConsentMethod.WRITTEN,
        by=manager,
    )

    assert quote not in client.get(case_page).content.decode()
    assert quote not in client.get(theory_page).content.decode()
    assert tables(client)["evidence"] == []
    assert reports.icamo_matrix(evaluator, theory)[0]["evidence"] == 0


def test_supporter_who_declined_being_observed_is_listed_and_withheld_from_the_export(
    client, evaluator, site, programme_round, manager
):
    declined = make_participant(site, Kind.SUPPORTER, round=programme_round, first_name="Otto")
    agreed = make_participant(site, Kind.SUPPORTER, round=programme_round, first_name="Vera")
    give_evaluation_consent(
        declined, manager, ConsentDecision.DECLINED, purposes=(ConsentPurpose.OBSERVATION,)
    )
    give_evaluation_consent(agreed, manager)
    meeting = SessionFactory.create(
        site=site,
        round=programme_round,
        kind=SessionKind.NETWORK,
        starts_at=at(dt.date(2026, 5, 18), 16),
        created_by=manager,
    )
    for person in (declined, agreed):
        SessionInvitation.objects.create(session=meeting, participant=person)
    client.force_login(evaluator)
    client.post(
        reverse("evaluation:observation_create"),
        {
            "event": f"session:{meeting.pk}",
            "observed_on": "",
            "title": "",
            "field_notes": f"{declined.full_name} asked {agreed.full_name} about the visits.",
        },
    )
    observation = Observation.objects.get()
    hidden = participant_pseudonym(declined.pk, "supporter")
    shown = participant_pseudonym(agreed.pk, "supporter")

    page = client.get(reverse("evaluation:observation_detail", args=[observation.pk]))
    (row,) = tables(client)["observations"]

    warning = page.content.decode().split('id="not-observable"')[1].split("</div>")[0]
    assert hidden in warning and shown not in warning
    assert row["field_notes"] == f"{WITHHELD} asked {shown} about the visits."


def test_a_cases_record_cites_only_its_own_interviews(
    client, evaluator, site, programme_round, manager, declined_interview
):
    """The evidence form of a case offers the excerpts of its own interviews (and logbooks and
    observations); an excerpt of another case's interview posted by hand stores nothing."""
    other = case_with(site, programme_round, manager)
    client.force_login(evaluator)
    units = {}
    for pair in (declined_interview, other):
        interview(client, pair, "supporter")
        units[pair] = services.meaning_unit_add(
            source=Interview.objects.get(pair=pair),
            text="We met every second week.",
            code_groups=[],
            by=evaluator,
        )
    mechanism = services.mechanism_add(
        pair=declined_interview, category="trust", actor="both", by=evaluator
    )
    url = reverse("evaluation:evidence_add", args=["mechanism", mechanism.pk])

    for pair in (other, declined_interview):
        client.post(
            url, {"source_kind": "interview", "stance": "supports", "excerpt": units[pair].pk}
        )

    assert [e.excerpt for e in mechanism.evidence.all()] == [units[declined_interview]]
