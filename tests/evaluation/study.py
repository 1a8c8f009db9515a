"""A programme shaped like the study in ../shared/seed, entered through the services as the
manager, the nurse and the evaluator would enter it.

"In total, 12 pairs of peers and peer supporters completed the ToD intervention during the study
period. Ten peer supporters gave consent to participate in the evaluation whereas one of them had
completed peer relationships with three peers, representing three cases. Another case consisted
of two peer supporters as one of them had to withdraw from the intervention due to a poor health
condition. Overall, it gives a total of 11 cases."

So: eleven supporters, of whom ten consented to the evaluation (the eleventh's completed pair is
no case); one supporter with three peers; one case whose supporter withdrew after four meetings
and a substitute completed it; twelve completed pairs and the one ended by the substitution.
"We conducted 27 individual semistructured interviews across the 11 cases. The informants
contained peer supporters (n = 10), peers (n = 9), the project manager, and the diabetes nurse
... interviewed three times each." Two of the three-case supporter's peers "were not interested in
participating" in an interview; their cases were analysed from the supporter's data. Seven
interviews were by telephone: three with supporters, three with peers, one with the project
manager. Observations: two training courses, one network meeting, two supervisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import time_machine
from django.utils import timezone

from evaluation import services
from logbooks import services as pair_services
from logbooks.factories import PairFactory
from logbooks.models import (
    RELATIONSHIP_SCALES,
    CancelledBy,
    CancelReason,
    Meeting,
    Pair,
    PairStatus,
)
from programme import services as programme_services
from programme.factories import CourseFactory, SessionFactory, TrainingDayFactory
from programme.models import (
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Kind,
    Participant,
    SessionKind,
    Sex,
    purposes_for,
)
from tests.conftest import make_participant, screen_eligible

from .conftest import initial_theory

# The ten consenting supporters as Table 2 describes them (six men, four women), with their
# backgrounds: origin, education, employment, lives alone, work experience as a support
# person (four had it), complications, other diagnoses.
SUPPORTERS = [
    (Sex.FEMALE, "danish", "intermediate", "retired", False, True, ["hypertension"], ["arthritis"]),
    (Sex.MALE, "danish", "vocational", "retired", False, False, ["cardiovascular"], []),
    (Sex.MALE, "danish", "long", "employed", False, True, ["hypertension"], ["stress"]),
    (Sex.MALE, "danish", "vocational", "early_retirement", True, False, ["neuropathy"], []),
    (Sex.FEMALE, "western", "intermediate", "employed", False, True, [], ["anxiety"]),
    (Sex.MALE, "danish", "short", "retired", True, False, ["nephropathy"], ["copd"]),
    (Sex.MALE, "danish", "long", "employed", False, True, ["hypertension"], []),
    (Sex.FEMALE, "non_western", "intermediate", "retired", False, False, ["cardiovascular"], []),
    (Sex.MALE, "danish", "vocational", "unemployed", True, False, ["neuropathy"], ["stress"]),
    (Sex.FEMALE, "danish", "intermediate", "retired", False, False, ["hypertension"], []),
]
# The eleven cases' peers: the nine interviewed (seven men, two women) and the two of the
# three-case supporter who declined only the interview (both men here: the paper does not say).
PEERS = [
    (Sex.MALE, "danish", "short", "unemployed", True, ["hypertension"], ["depression"]),
    (Sex.MALE, "danish", "vocational", "early_retirement", True, ["neuropathy"], ["stress"]),
    (Sex.MALE, "danish", "short", "early_retirement", True, ["cardiovascular"], ["anxiety"]),
    (Sex.FEMALE, "non_western", "short", "unemployed", True, ["hypertension"], ["depression"]),
    (Sex.MALE, "danish", "intermediate", "sick_leave", True, ["nephropathy"], ["arthritis"]),
    (Sex.MALE, "danish", "short", "early_retirement", True, ["hypertension"], ["copd"]),
    (Sex.FEMALE, "danish", "vocational", "retired", True, ["neuropathy"], ["depression"]),
    (Sex.MALE, "western", "short", "unemployed", True, ["hypertension"], ["stress"]),
    (Sex.MALE, "danish", "short", "early_retirement", False, ["cardiovascular"], ["depression"]),
    (Sex.MALE, "danish", "vocational", "unemployed", True, ["hypertension"], ["anxiety"]),
    (Sex.MALE, "danish", "short", "early_retirement", True, ["neuropathy"], ["arthritis"]),
]
# Which supporters (by position above) each case has: the first three cases are the three-case
# supporter's, the fourth is the substituted one (supporter 1 withdrew after four meetings,
# supporter 2 took over), the rest one supporter each.
CASE_SUPPORTERS = [(0,), (0,), (0,), (1, 2), (3,), (4,), (5,), (6,), (7,), (8,), (9,)]
DECLINED_INTERVIEW = (1, 2)  # the peers of the three-case supporter's second and third cases
# Telephone interviews: three supporters' (by case), three peers' (by case), one manager's.
TELEPHONE_SUPPORTER_CASES = (5, 7, 9)
TELEPHONE_PEER_CASES = (4, 6, 8)
# The peers' HbA1c (mmol/mol) and WHO-5 item score before and after; the last peer has no
# post visit yet (a missing visit the pre/post page counts).
HBA1C = [(72, 64), (68, 66), (81, 70), (59, 60), (75, 69), (66, 61), (90, 78), (70, 70),
         (64, 58), (77, 71), (69, None)]  # fmt: skip
WHO5 = [(2, 3), (1, 3), (2, 2), (3, 3), (1, 2), (2, 4), (1, 1), (2, 3), (3, 4), (2, 2), (2, None)]
OUTCOMES = {
    # Every peer gained self-care awareness (the immediate outcome); self-management and use of
    # health care improved in some cases only.
    "self_care_awareness": ["yes"] * 11,
    "self_management": ["yes", "no", "yes", "no", "yes", "unclear", "no", "yes", "no", "no", "no"],
    "health_care_use": ["yes", "no", "no", "no", "yes", "no", "yes", "no", "no", "unclear", "no"],
}
START = dt.date(2026, 2, 2)  # a Monday


def aware(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class Study:
    supporters: list[Participant]
    outsider_supporter: Participant  # completed a pair, did not consent to the evaluation
    peers: list[Participant]
    cases: list[Pair]  # the first pair of each case
    substitute_pair: Pair
    outsider_pair: Pair
    interviews: list = field(default_factory=list)
    observations: list = field(default_factory=list)


def consent(person: Participant, by, *, routine_data=True, interview=True) -> None:
    """Screened eligible, programme consent, then each research purpose of the person's kind
    as answered (a supporter who agrees to the evaluation agrees to being observed too)."""
    screen_eligible(person, by)
    declined = set()
    if not routine_data:
        declined |= {ConsentPurpose.ROUTINE_DATA, ConsentPurpose.OBSERVATION}
    if not interview:
        declined.add(ConsentPurpose.INTERVIEW)
    for purpose in purposes_for(person.kind):
        programme_services.consent_record(
            participant=person,
            purpose=purpose,
            decision=ConsentDecision.DECLINED if purpose in declined else ConsentDecision.GIVEN,
            decided_on=dt.date(2026, 1, 11),
            method=ConsentMethod.WRITTEN,
            by=by,
        )


def _logbook(text: str, sequence: int) -> dict:
    """A logbook whose relationship scales rise over the six months (3 at first, 5 at last)."""
    return {
        "activities": text,
        "place": "Fælledparken",
        "duration_minutes": 75,
        "topics": [],
        "relationship": "Vi forstår hinanden, vi har jo begge sukkersyge.",
        "improvements": "Han måler sit blodsukker oftere.",
        "reflections": "",
        "challenges": "",
        "needs_support": False,
        "support_with": "",
        "role_perception": "befriender",
        **{f"scale_{item}": 3 + sequence // 5 for item in RELATIONSHIP_SCALES},
    }


def _hold(pair: Pair, manager, *, cancel: int | None = None, until: int = 13) -> None:
    """The paper logbooks of the pair's meetings (sequence 1..`until`, entered by the manager),
    one meeting cancelled for the supporter's health."""
    for meeting in pair.meetings.filter(status="planned", sequence__lte=until).order_by("sequence"):
        if meeting.sequence == cancel:
            pair_services.meeting_record_cancelled(
                meeting=meeting,
                by=manager,
                cancelled_by=CancelledBy.SUPPORTER,
                reason=CancelReason.SUPPORTER_HEALTH,
            )
            continue
        pair_services.logbook_save(
            meeting=meeting,
            by=manager,
            answers=_logbook(f"Gåtur nummer {meeting.sequence}", meeting.sequence),
            submit=True,
            on_paper=True,
        )


def _run_pair(peer, supporter, *, starts: dt.date, manager, cancel=None, clock) -> Pair:
    clock.move_to(aware(starts))
    pair = PairFactory.create(
        site=peer.site, round=peer.round, peer=peer, supporter=supporter, status=PairStatus.AGREED
    )
    return pair_services.pair_start(pair=pair, match_meeting_on=starts, by=manager)


def build_study(site, programme_round, *, manager, nurse, evaluator) -> Study:
    supporters = []
    for index, (sex, *_background) in enumerate(SUPPORTERS):
        person = make_participant(
            site,
            Kind.SUPPORTER,
            round=programme_round,
            sex=sex,
            first_name=f"Støtte{index}",
            last_name="Andersen",
            date_of_birth=dt.date(1952 + 2 * index, 1 + index, 10),
        )
        consent(person, manager)
        supporters.append(person)
    outsider = make_participant(site, Kind.SUPPORTER, round=programme_round, sex=Sex.MALE)
    consent(outsider, manager, routine_data=False, interview=False)
    peers = []
    for index, (sex, *_background) in enumerate(PEERS):
        person = make_participant(
            site,
            Kind.PEER,
            round=programme_round,
            sex=sex,
            first_name=f"Makker{index}",
            date_of_birth=dt.date(1950 + index * 2 - index % 3, 12 - index, 3),
        )
        consent(person, manager, interview=index not in DECLINED_INTERVIEW)
        peers.append(person)
    outsider_peer = make_participant(site, Kind.PEER, round=programme_round, sex=Sex.FEMALE)
    consent(outsider_peer, manager)
    _backgrounds(supporters, peers, manager)

    cases: list[Pair] = []
    with time_machine.travel(aware(START), tick=False) as clock:
        for index, peer in enumerate(peers):
            starts = START + dt.timedelta(days=7 * index)
            first = supporters[CASE_SUPPORTERS[index][0]]
            pair = _run_pair(peer, first, starts=starts, manager=manager, clock=clock)
            cases.append(pair)
        outsider_pair = _run_pair(
            outsider_peer, outsider, starts=START, manager=manager, clock=clock
        )
        # The substituted case: four meetings with its first supporter, then the substitute.
        substituted = cases[3]
        clock.move_to(aware(substituted.started_on + dt.timedelta(weeks=8, days=1)))
        _hold(substituted, manager, until=4)
        substitute_pair = pair_services.pair_substitute_supporter(
            pair=substituted,
            supporter=supporters[CASE_SUPPORTERS[3][1]],
            reason="Poor health",
            by=manager,
        )
        # Six months on, every pair has met and is completed.
        clock.move_to(aware(START + dt.timedelta(weeks=7 * 4 + 27)))
        for index, pair in enumerate([*cases, outsider_pair]):
            pair = substitute_pair if pair == substituted else pair
            _hold(pair, manager, cancel=5 if index % 3 == 0 else None)
            pair_services.pair_complete(pair=pair, by=manager)
        _visits(peers, nurse, cases)
    for pair in (*cases, substitute_pair, outsider_pair):
        pair.refresh_from_db()
    study = Study(
        supporters=supporters,
        outsider_supporter=outsider,
        peers=peers,
        cases=cases,
        substitute_pair=substitute_pair,
        outsider_pair=outsider_pair,
    )
    _evaluation_records(study, site, evaluator)
    study.interviews = _interviews(study, site, evaluator)
    study.observations = _observations(site, programme_round, evaluator, manager)
    return study


def _backgrounds(supporters, peers, by) -> None:
    """Entered once, on the participant's record (the match survey asks the same questions and
    writes the same record). Peers have no work experience as a support person."""
    rows = [(person, row) for person, row in zip(supporters, SUPPORTERS, strict=True)]
    rows += [
        (person, (*row[:5], False, *row[5:])) for person, row in zip(peers, PEERS, strict=True)
    ]
    for person, (_sex, origin, education, employment, alone, work, compl, other) in rows:
        programme_services.background_update(
            participant=person,
            by=by,
            values={
                "origin": origin,
                "education": education,
                "employment": employment,
                "lives_alone": alone,
                "support_work_experience": work,
                "complications": compl,
                "other_diagnoses": other,
            },
        )


def _visit(index: int, on: dt.date, hba1c: int, who5: int, *, after: bool) -> dict:
    """A visit's measures: blood pressure, weight and distress vary by peer and, after, move a
    little (some better, some worse)."""
    drift = (index % 3 - 1) if after else 0
    return {
        "visited_on": on,
        "hba1c_mmol_mol": hba1c,
        "systolic_mmhg": 138 + index * 2 - 3 * drift,
        "diastolic_mmhg": 84 + index % 4 - drift,
        "weight_kg": 88 + index * 3 + drift,
        "height_cm": 170 + index,
        **{f"who5_{i}": who5 for i in range(1, 6)},
        **{f"paid5_{i}": 2 + index % 2 - (after and index % 4 != 0) for i in range(1, 6)},
    }


def _visits(peers, nurse, cases) -> None:
    for index, (peer, pair) in enumerate(zip(peers, cases, strict=True)):
        (pre, post), (who5_pre, who5_post) = HBA1C[index], WHO5[index]
        services.nurse_visit_save(
            peer=peer,
            kind="pre",
            by=nurse,
            values=_visit(
                index, pair.started_on - dt.timedelta(days=10), pre, who5_pre, after=False
            ),
        )
        if post is not None:
            services.nurse_visit_save(
                peer=peer,
                kind="post",
                by=nurse,
                values=_visit(index, timezone.localdate(), post, who5_post, after=True),
            )


def _evaluation_records(study: Study, site, evaluator) -> None:
    theory = initial_theory(site, evaluator)
    configuration = theory.configurations.get()
    study.theory = theory  # type: ignore[attr-defined]
    for index, pair in enumerate(study.cases):
        outcomes = {
            kind: services.outcome_save(pair=pair, kind=kind, result=results[index], by=evaluator)
            for kind, results in OUTCOMES.items()
        }
        context = services.context_add(
            pair=pair,
            subject="peer",
            category="finances_occupation",
            influence="hindering" if index % 2 else "facilitating",
            by=evaluator,
        )
        mechanism = services.mechanism_add(pair=pair, category="trust", actor="both", by=evaluator)
        services.case_configuration_add(
            pair=pair,
            intervention="meetings",
            actor="both",
            mechanism=mechanism,
            outcome=outcomes["self_care_awareness"],
            contexts=[context],
            theory_configuration=configuration,
            stance="supports",
            by=evaluator,
        )


def _interviews(study: Study, site, evaluator) -> list:
    interviews = []

    def interview(pair, informant, mode, on, text, supporter=None):
        interviews.append(
            services.interview_save(
                site=site,
                by=evaluator,
                values={
                    "pair": pair,
                    "informant_type": informant,
                    "supporter": supporter,
                    "conducted_on": on,
                    "mode": mode,
                    "transcript": text,
                },
            )
        )

    after = START + dt.timedelta(weeks=7 * 4 + 28)
    for index, pair in enumerate(study.cases):
        # The supporters of the case, one interview each (the substituted case has two).
        for number, supporter in enumerate(CASE_SUPPORTERS[index]):
            mode = "telephone" if index in TELEPHONE_SUPPORTER_CASES else "in_person"
            interview(
                pair,
                "supporter",
                mode,
                after,
                f"Interviewer: Hvordan gik det? ({index}.{number})",
                supporter=study.supporters[supporter],
            )
        if index not in DECLINED_INTERVIEW:
            mode = "telephone" if index in TELEPHONE_PEER_CASES else "in_person"
            interview(pair, "peer", mode, after, "Interviewer: Hvad betød makkeren for dig?")
    for number in range(3):
        pair = study.cases[number * 4]
        interview(
            pair,
            "project_manager",
            "telephone" if number == 0 else "in_person",
            after,
            "Interviewer: Hvordan fungerede matchningen?",
        )
        interview(pair, "nurse", "in_person", after, "Interviewer: Hvad så du ved besøgene?")
    return interviews


def _observations(site, programme_round, evaluator, manager) -> list:
    observed = []
    for number in range(2):
        course = CourseFactory.create(site=site, round=programme_round, created_by=manager)
        day = TrainingDayFactory.create(
            course=course, starts_at=aware(START - dt.timedelta(days=30 - number * 14), 9)
        )
        observed.append(("training", day.starts_at.date(), {"course": course}))
    for kind, days in ((SessionKind.SUPERVISION, (60, 120)), (SessionKind.NETWORK, (90,))):
        for offset in days:
            session = SessionFactory.create(
                site=site,
                round=programme_round,
                kind=kind,
                starts_at=aware(START + dt.timedelta(days=offset), 16),
                created_by=manager,
            )
            setting = "supervision" if kind == SessionKind.SUPERVISION else "network_meeting"
            observed.append((setting, session.starts_at.date(), {"session": session}))
    return [
        services.observation_save(
            site=site,
            by=evaluator,
            values={
                "setting": setting,
                "observed_on": on,
                "title": f"Observation {number + 1}",
                "field_notes": "Støtterne delte deres egne erfaringer med sukkersyge.",
                **event,
            },
        )
        for number, (setting, on, event) in enumerate(observed)
    ]


def held_meetings(pairs) -> int:
    return Meeting.objects.filter(pair__in=pairs, status="held").count()
