"""Fixtures for the evaluation: cases (started pairs) whose peer and supporter consented to the
evaluation, with real-looking identifying values the pseudonymisation tests search for."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.factories import (
    ContextFactorFactory,
    MechanismFactory,
    NurseVisitFactory,
    OutcomeFactory,
)
from logbooks.factories import LogbookFactory, MeetingFactory, PairFactory
from logbooks.models import Pair, PairStatus
from programme import services as programme_services
from programme.factories import ConsentFactory, ParticipantFactory, RoundFactory
from programme.models import (
    RESEARCH_PURPOSES,
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Kind,
    Participant,
    Sex,
    purposes_for,
)
from tests.conftest import make_participant, screen_eligible

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


def give_evaluation_consent(
    participant: Participant, by, decision=ConsentDecision.GIVEN, *, purposes=RESEARCH_PURPOSES
):
    """Screened eligible, then programme consent and the full evaluation consent: every
    research purpose of the participant's kind (routine data, interview, and for supporters
    observation) answered `decision`, or only those of `purposes` (the others given)."""
    screen_eligible(participant, by)
    for purpose in purposes_for(participant.kind):
        answer = decision if purpose in purposes else ConsentDecision.GIVEN
        programme_services.consent_record(
            participant=participant,
            purpose=purpose,
            decision=ConsentDecision.GIVEN if purpose == ConsentPurpose.PROGRAMME else answer,
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
    return PairFactory.create(
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
    other_round = RoundFactory.create(site=other_site)
    return make_case(other_site, other_round, other_manager, first_name="Aarhusian")


def record_evaluation(pair, by, *, aware="yes", hindering=True, theory=None):
    """Outcomes, contexts, mechanisms, visits and a linked ICAMO configuration for one case."""
    from evaluation import services
    from evaluation.models import TheoryConfiguration

    services.nurse_visit_save(
        peer=pair.peer,
        kind="pre",
        by=by,
        values={
            "visited_on": dt.date(2026, 1, 20),
            "hba1c_mmol_mol": 70,
            "systolic_mmhg": 150,
            "diastolic_mmhg": 90,
            "weight_kg": 100,
            "height_cm": 180,
            "complications": ["hypertension", "neuropathy"],
            "other_diagnoses": ["depression"],
            **{f"who5_{i}": 2 for i in range(1, 6)},
            **{f"paid5_{i}": 2 for i in range(1, 6)},
        },
    )
    services.nurse_visit_save(
        peer=pair.peer,
        kind="post",
        by=by,
        values={
            "visited_on": dt.date(2026, 8, 3),
            "hba1c_mmol_mol": 62,
            "systolic_mmhg": 140,
            "diastolic_mmhg": 85,
            "weight_kg": 98,
            "height_cm": 180,
            **{f"who5_{i}": 3 for i in range(1, 6)},
            **{f"paid5_{i}": 1 for i in range(1, 6)},
        },
    )
    for person, values in (
        (pair.peer, {"origin": "danish", "education": "short", "employment": "unemployed"}),
        (pair.supporter, {"origin": "danish", "education": "long", "employment": "retired"}),
    ):
        programme_services.background_update(participant=person, values=values, by=by)
    outcome = services.outcome_save(pair=pair, kind="self_care_awareness", result=aware, by=by)
    services.outcome_save(pair=pair, kind="self_management", result="no", by=by)
    context = services.context_add(
        pair=pair,
        subject="peer",
        category="finances_occupation",
        influence="hindering" if hindering else "facilitating",
        by=by,
    )
    mechanism = services.mechanism_add(pair=pair, category="trust", actor="both", by=by)
    configuration = None
    if theory is not None:
        configuration = TheoryConfiguration.objects.filter(theory=theory).first()
    return services.case_configuration_add(
        pair=pair,
        intervention="meetings",
        actor="both",
        mechanism=mechanism,
        outcome=outcome,
        contexts=[context],
        theory_configuration=configuration,
        stance="supports",
        by=by,
    )


@pytest.fixture
def theory(site, evaluator):
    return initial_theory(site, evaluator)


def initial_theory(site, evaluator):
    """The initial programme theory with one configuration: being with a like-minded person
    builds trust, which raises self-care awareness."""
    from evaluation import services

    initial = services.theory_create(
        site=site, kind="initial", title="Initial programme theory", by=evaluator
    )
    services.theory_configuration_save(
        theory=initial,
        by=evaluator,
        values={
            "code": "ICAMO 1",
            "intervention": "meetings",
            "context": "Peers' life circumstances",
            "actor": "both",
            "resource": "lived_experience",
            "reasonings": ["trust", "being_equal"],
            "outcome": "self_care_awareness",
            "statement": "Being with a like-minded person builds trust.",
        },
    )
    return initial


def bulk_cases(n, site, programme_round, manager):
    """n consented cases with an outcome, a context, a mechanism and both visits, made in bulk
    (for the 1,000-case query-count test)."""
    from evaluation.models import ContextFactor, Mechanism, NurseVisit, Outcome
    from programme.models import Consent, ConsentText

    people = Participant.objects.bulk_create(
        [
            ParticipantFactory.build(
                site=site,
                round=programme_round,
                kind=kind,
                first_name="Bulk",
                last_name=f"Person{i}{kind}",
                sex=Sex.MALE,
                referral_channel="other",
                postcode="",
                status="active",
            )
            for i in range(n)
            for kind in (Kind.PEER, Kind.SUPPORTER)
        ]
    )
    texts = {
        purpose: ConsentText.objects.current(purpose, site=site)
        for purpose in ConsentPurpose.values
    }
    Consent.objects.bulk_create(
        [
            ConsentFactory.build(
                participant=person,
                purpose=purpose,
                text=texts[purpose],
                decided_on=dt.date(2026, 1, 1),
                recorded_by=manager,
            )
            for person in people
            for purpose in purposes_for(person.kind)
        ]
    )
    pairs = Pair.objects.bulk_create(
        [
            PairFactory.build(
                site=site,
                round=programme_round,
                peer=people[2 * i],
                supporter=people[2 * i + 1],
                status=PairStatus.ACTIVE,
                started_on=dt.date(2026, 2, 1),
            )
            for i in range(n)
        ]
    )
    Outcome.objects.bulk_create([OutcomeFactory.build(pair=p) for p in pairs])
    ContextFactor.objects.bulk_create([ContextFactorFactory.build(pair=p) for p in pairs])
    Mechanism.objects.bulk_create([MechanismFactory.build(pair=p) for p in pairs])
    NurseVisit.objects.bulk_create(
        [
            NurseVisitFactory.build(
                site=site,
                peer=p.peer,
                kind=kind,
                visited_on=dt.date(2026, 1, 1),
                hba1c_mmol_mol=60,
                who5_score=40,
                paid5_score=9,
            )
            for p in pairs
            for kind in ("pre", "post")
        ]
    )
    return pairs


TRANSCRIPT = (
    "Interviewer: How was it?\n"
    "Peer: Bentholm Madsenius here, call me on 20 30 40 50. Hanne came every second week. "
    "I have become more aware that I need to go for walks."
)


@pytest.fixture
def full_case(case, evaluator, theory, supporter):
    """The case with its records, an interview with a coded excerpt cited as evidence, and a
    submitted logbook that names the peer."""
    from django.utils import timezone

    from evaluation import services
    from evaluation.models import CodeGroup
    from logbooks.models import MeetingStatus

    configuration = record_evaluation(case, evaluator, theory=theory)
    interview = services.interview_save(
        site=case.site,
        by=evaluator,
        values={
            "pair": case,
            "informant_type": "peer",
            "conducted_on": dt.date(2026, 8, 10),
            "mode": "telephone",
            "transcript": TRANSCRIPT,
        },
    )
    unit = services.meaning_unit_add(
        source=interview,
        text="I have become more aware that I need to go for walks.",
        condensed="More aware of exercise",
        code_groups=CodeGroup.objects.filter(key="outcomes-self_care_awareness"),
        by=evaluator,
    )
    services.evidence_add(
        target=configuration,
        site_id=case.site_id,
        source_kind="interview",
        quote=unit.text,
        by=evaluator,
        excerpt=unit,
        interview=interview,
    )
    meeting = MeetingFactory.create(
        pair=case,
        planned_at=timezone.now(),
        status=MeetingStatus.HELD,
        held_on=dt.date(2026, 2, 15),
    )
    LogbookFactory.create(
        meeting=meeting,
        author=supporter,
        reflections="Bentholm Madsenius was tired; we talked about money at Jagtvej 1234.",
    )
    return case
