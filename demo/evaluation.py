"""The evaluation's part of the demo programme (see demo.programme). Idempotent.

Nurse pre-visits for every consented peer in Copenhagen and post-visits for the pairs that
completed (the sample table's backgrounds are programme's: demo.programme); the initial programme
theory and its refinement; and for each case its outcomes, contexts, mechanisms, ICAMO
configurations, interviews with coded meaning units and evidence (the supporter's, and the
peer's unless the peer declined being interviewed, as two did in the study), plus observations of
the training course, a supervision and a network meeting. Quotes are the study's. Everything is
keyed on natural keys or created only when missing, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from evaluation import services
from evaluation.engagement import SUBMITTED
from evaluation.models import (
    CodeGroup,
    Interview,
    NurseVisit,
    Observation,
    ProgrammeTheory,
    TheoryConfiguration,
)
from evaluation.observed import observable_events
from evaluation.queries import has_interview_consent, routine_data_consented
from evaluation.reports import STARTED
from logbooks.factories import PairFactory
from logbooks.models import Logbook, MeetingStatus, Pair, PairStatus

from .logbooks import play_completed, play_substituted
from .programme import DemoContext

PEER_COMPLICATIONS = [
    ["hypertension", "neuropathy"],
    ["cardiovascular", "hypertension"],
    ["nephropathy"],
    ["hypertension"],
    ["neuropathy", "retinopathy"],
    ["cardiovascular"],
    ["hypertension", "nephropathy"],
    ["neuropathy"],
    ["hypertension"],
    ["cardiovascular", "neuropathy"],
    ["hypertension"],
    ["foot_ulcer"],
]
PEER_DIAGNOSES = [
    ["depression"],
    ["anxiety", "arthritis"],
    ["copd"],
    ["stress"],
    ["depression", "anxiety"],
    ["arthritis"],
    ["copd", "depression"],
    ["stress"],
    ["depression"],
    ["arthritis"],
    ["anxiety"],
    ["depression"],
]

# Extra completed pairs of the demo's first round (supporter index, peer index), so the
# evaluation has cases with both visits, as in the study's eleven cases.
COMPLETED_PAIRS = [(4, 4), (5, 5), (6, 6), (7, 7), (8, 8)]
# The case of two supporters (the study: one "had to withdraw from the intervention due to a
# poor health condition"): peer index -> (the substitute's index, meetings the first held).
SUBSTITUTED = {8: (9, 4)}

# Per case: self-care awareness, self-management, health care use, other behaviour, the
# hindering context, the peer's quote.
CASE_STORIES = [
    (
        "yes",
        "yes",
        "yes",
        "unclear",
        None,
        "I have become more aware that I need to go for walks and exercise a bit.",
    ),
    (
        "yes",
        "no",
        "unclear",
        "yes",
        "finances_occupation",
        "I know so much about the disease. However, it is knowledge that is not applied and "
        "implemented in my life, and that is my serious problem right now.",
    ),
    (
        "yes",
        "no",
        "no",
        "yes",
        "energy",
        "It means so much that the person who steps in has an insight into your flaws.",
    ),
    (
        "yes",
        "yes",
        "yes",
        "no",
        None,
        "After all, we relate to each other as people, and not clients, and that gives a human "
        "face, which I like.",
    ),
    (
        "yes",
        "unclear",
        "yes",
        "yes",
        "health",
        "He knew that nothing would be reported to the Municipality about him.",
    ),
    (
        "yes",
        "no",
        "unclear",
        "yes",
        "life_events",
        "We had that mutual respect, right? We shouldn't waste each other's time.",
    ),
]
SUPPORTER_QUOTE = (
    "I was about to say stop because I didn't feel he needed me. I then readjusted mentally; he "
    "doesn't need help with his diabetes. He needs help in his loneliness."
)

THEORY_CONFIGURATIONS = [
    {
        "code": "ICAMO 1",
        "intervention": "meetings",
        "context": "Peers' life circumstances: occupation, finances, energy, health, life events",
        "actor": "both",
        "resource": "lived_experience",
        "reasonings": ["trust", "respect", "empathy", "care", "honesty"],
        "outcome": "self_care_awareness",
        "statement": "When a nonprofessional, unpaid peer supporter shares the diagnosis, being "
        "with a like-minded person builds trust, respect, empathy, care and honesty, and the peer "
        "becomes more aware of self-care.",
    },
    {
        "code": "ICAMO 2",
        "intervention": "supervision",
        "context": "Peers' poor health and unstable finances hinder the intended activities",
        "actor": "supporter",
        "resource": "adapting_role",
        "reasonings": ["understanding", "being_equal"],
        "outcome": "self_management",
        "statement": "Sharing frustrations at supervision lets supporters adapt their role and "
        "expectations to the peer's capabilities.",
    },
]
REFINED_CONFIGURATION = {
    "code": "ICAMO 3",
    "intervention": "matchmaking",
    "context": "The number of sociodemographic similarities; the supporter's work experience "
    "and health",
    "actor": "supporter",
    "resource": "lived_experience",
    "reasonings": ["understanding", "being_equal"],
    "outcome": "other_behaviour",
    "statement": "More similarities between peer and supporter raise the supporter's personal "
    "engagement; the supporter's own poor health interrupts the meetings.",
}

OBSERVATIONS = [
    (
        "training",
        dt.date(2026, 1, 12),
        "Træningskursus dag 1",
        "Supporters discuss what the role is: a befriender or a diabetes support person. Several "
        "draw on their own life with type 2 diabetes.",
    ),
    (
        "supervision",
        dt.date(2026, 4, 4),
        "Supervision",
        "A supporter shares the frustration of not changing the peer's diet. The group answers "
        "that being there is the role; she decides to adapt her expectations.",
    ),
    (
        "network_meeting",
        dt.date(2026, 5, 18),
        "Netværksmøde",
        "Dilemmas: a peer who cancels often; keeping a professional distance while being a friend.",
    ),
]


def _visit_values(index: int, kind: str, on: dt.date) -> dict:
    better = kind == "post"
    return {
        "visited_on": on,
        "hba1c_mmol_mol": 72 + (index * 5) % 20 - (6 if better and index % 3 else 0),
        "systolic_mmhg": 148 + index % 15 - (6 if better else 0),
        "diastolic_mmhg": 88 + index % 7 - (3 if better else 0),
        "weight_kg": 96 + index * 3 - (2 if better and index % 2 else 0),
        "height_cm": 168 + index * 2,
        "waist_cm": 108 + index * 2 - (2 if better else 0),
        "medication": ["metformin"] + (["sglt2"] if index % 2 else ["insulin"]),
        "adherence": "mostly" if better else ("sometimes" if index % 2 else "rarely"),
        "complications": PEER_COMPLICATIONS[index],
        "other_diagnoses": PEER_DIAGNOSES[index],
        "gp_contacts": 3 + index % 4 + (1 if better else 0),
        "missed_appointments": max(0, 3 - index % 3 - (2 if better else 0)),
        "rehabilitation": "attending" if better and index % 2 else "none",
        **{f"who5_{i}": min(5, 1 + (index + i) % 3 + (1 if better else 0)) for i in range(1, 6)},
        **{f"paid5_{i}": max(0, 2 + (index + i) % 3 - (1 if better else 0)) for i in range(1, 6)},
        "self_care_note": (
            "Taler om at gå ture og tage medicinen fast."
            if better
            else "Usikker på egen behandling."
        ),
    }


def _completed_pairs(ctx: DemoContext, manager) -> None:
    for supporter_index, peer_index in COMPLETED_PAIRS:
        supporter, peer = ctx.supporters[supporter_index], ctx.peers[peer_index]
        existing = Pair.objects.filter(peer=peer).order_by("id").first()
        if existing is not None:
            # An earlier demo completed these pairs without holding a meeting ("0 held · 13
            # planned"): hold their meetings and write their logbooks now.
            if (
                existing.status == PairStatus.COMPLETED
                and existing.meetings.filter(status=MeetingStatus.PLANNED).exists()
                and not existing.meetings.filter(status=MeetingStatus.HELD).exists()
            ):
                play_completed(ctx, existing, weeks=27)
            continue
        pair = PairFactory.create(
            site=ctx.site,
            round=ctx.round,
            peer=peer,
            supporter=supporter,
            status=PairStatus.AGREED,
        )
        # Six months of meetings held and logbooks written, then completed (as logbooks' own
        # completed demo pair): a completed case says what happened in it.
        if peer_index in SUBSTITUTED:
            substitute, held = SUBSTITUTED[peer_index]
            play_substituted(ctx, pair, ctx.supporters[substitute], weeks=27, held=held)
        else:
            play_completed(ctx, pair, weeks=27)


def _visits(ctx: DemoContext, nurse) -> None:
    consented = set(routine_data_consented().values_list("pk", flat=True))
    started = {
        p.peer_id: p for p in Pair.objects.filter(site=ctx.site, status__in=STARTED).order_by("id")
    }
    for index, peer in enumerate(ctx.peers):
        if peer.pk not in consented:
            continue
        pair = started.get(peer.pk)
        pre_on = ((pair and pair.started_on) or ctx.round.starts_on) - dt.timedelta(days=10)
        if not NurseVisit.objects.filter(peer=peer, kind="pre").exists():
            services.nurse_visit_save(
                peer=peer, kind="pre", by=nurse, values=_visit_values(index, "pre", pre_on)
            )
        if (
            pair is not None
            and pair.status == PairStatus.COMPLETED
            and not NurseVisit.objects.filter(peer=peer, kind="post").exists()
        ):
            post_on = pair.ended_on or timezone.localdate()
            services.nurse_visit_save(
                peer=peer, kind="post", by=nurse, values=_visit_values(index, "post", post_on)
            )


def _theories(ctx: DemoContext, evaluator) -> ProgrammeTheory:
    initial = ProgrammeTheory.objects.filter(site=ctx.site, version=1).first()
    if initial is None:
        initial = services.theory_create(
            site=ctx.site,
            kind="initial",
            title="Initial programme theory",
            description="From the overall programme theory and the earlier study's findings.",
            by=evaluator,
        )
        for values in THEORY_CONFIGURATIONS:
            services.theory_configuration_save(theory=initial, values=values, by=evaluator)
    refined = ProgrammeTheory.objects.filter(site=ctx.site, version=2).first()
    if refined is None:
        refined = services.theory_create(
            site=ctx.site,
            kind="refined",
            title="Refined programme theory",
            description="The supporters' lived experience and health are contexts too.",
            refines=initial,
            by=evaluator,
        )
        services.theory_configuration_save(
            theory=refined, values=REFINED_CONFIGURATION, by=evaluator
        )
    return refined


def _case(pair: Pair, index: int, theory: ProgrammeTheory, evaluator, manager) -> None:
    if pair.outcomes.exists():
        return  # recorded before
    aware, management, health_care, other, hindering, quote = CASE_STORIES[
        index % len(CASE_STORIES)
    ]
    kinds = {
        "self_care_awareness": aware,
        "self_management": management,
        "health_care_use": health_care,
        "other_behaviour": other,
    }
    outcomes = {
        kind: services.outcome_save(
            pair=pair,
            kind=kind,
            result=result,
            behaviours=["hygiene", "tidying"]
            if kind == "other_behaviour" and result == "yes"
            else [],
            by=evaluator,
        )
        for kind, result in kinds.items()
    }
    contexts = [
        services.context_add(
            pair=pair,
            subject="supporter",
            category="lived_experience",
            influence="facilitating",
            description="Uses own experience of living with type 2 diabetes.",
            by=evaluator,
        )
    ]
    if hindering:
        contexts.append(
            services.context_add(
                pair=pair, subject="peer", category=hindering, influence="hindering", by=evaluator
            )
        )
    contexts.append(
        services.context_add(
            pair=pair,
            subject="pair",
            category="similarity",
            influence="facilitating" if index % 2 == 0 else "neutral",
            by=evaluator,
        )
    )
    trust = services.mechanism_add(pair=pair, category="trust", actor="both", by=evaluator)
    services.mechanism_add(pair=pair, category="being_equal", actor="both", by=evaluator)
    adapting = services.mechanism_add(
        pair=pair, category="adapting_role", actor="supporter", by=evaluator
    )
    configurations = {c.code: c for c in TheoryConfiguration.objects.filter(theory=theory)}
    first = services.case_configuration_add(
        pair=pair,
        intervention="meetings",
        actor="both",
        mechanism=trust,
        outcome=outcomes["self_care_awareness"],
        contexts=contexts[:1],
        theory_configuration=configurations.get("ICAMO 1"),
        stance="supports",
        by=evaluator,
    )
    services.case_configuration_add(
        pair=pair,
        intervention="supervision",
        actor="supporter",
        mechanism=adapting,
        outcome=outcomes["self_management"],
        contexts=contexts[1:2],
        theory_configuration=configurations.get("ICAMO 2"),
        stance="supports" if management == "yes" else "refines",
        by=evaluator,
    )
    # Two peers declined only their own interview (as in the study): their case is analysed
    # from the routine data and the supporter's interview about them.
    if has_interview_consent(pair.peer):
        _peer_interview(pair, index, quote, first, outcomes, evaluator)
    # Each supporter of the case is interviewed: one who stopped (their health, in the study)
    # briefly, the one who saw the case through at length, quoted as evidence.
    pairs = list(Pair.objects.of_cases([pair.pk]).order_by("created_at", "id"))
    last = pairs[-1] if pairs else None
    for earlier in pairs[:-1]:
        services.interview_save(
            site=pair.site,
            by=evaluator,
            values={
                "pair": pair,
                "informant_type": "supporter",
                "supporter": earlier.supporter,
                "conducted_on": (pair.ended_on or timezone.localdate()) + dt.timedelta(days=9),
                "mode": "telephone",
                "transcript": "Interviewer: Why did you stop?\nSupporter: My health did not "
                "allow me to go on, and he deserved someone who could.",
            },
        )
    supporter_interview = services.interview_save(
        site=pair.site,
        by=evaluator,
        values={
            "pair": pair,
            "informant_type": "supporter",
            "supporter": last.supporter if last else pair.supporter,
            "conducted_on": (pair.ended_on or timezone.localdate()) + dt.timedelta(days=8),
            "mode": "in_person",
            "transcript": f"Interviewer: How did you see your role?\nSupporter: {SUPPORTER_QUOTE}",
        },
    )
    supporter_unit = services.meaning_unit_add(
        source=supporter_interview,
        text=SUPPORTER_QUOTE,
        condensed="Adapting the role from diabetes support to befriender",
        code_groups=CodeGroup.objects.filter(key="resources-adapting_role"),
        by=evaluator,
    )
    services.evidence_add(
        target=adapting,
        site_id=pair.site_id,
        source_kind="interview",
        quote=supporter_unit.text,
        excerpt=supporter_unit,
        interview=supporter_interview,
        by=evaluator,
    )

    _logbook_coded(pair, trust, evaluator)


def _peer_interview(pair, index, quote, first, outcomes, evaluator) -> None:
    transcript = (
        "Interviewer: What has the meetings meant to you?\n"
        f"Peer: {quote}\n"
        "Interviewer: And your peer supporter?\n"
        "Peer: We talk about everything, also things I would not tell my family."
    )
    interview = services.interview_save(
        site=pair.site,
        by=evaluator,
        values={
            "pair": pair,
            "informant_type": "peer",
            "conducted_on": (pair.ended_on or timezone.localdate()) + dt.timedelta(days=7),
            "mode": "telephone" if index % 3 == 0 else "in_person",
            "transcript": transcript,
        },
    )
    unit = services.meaning_unit_add(
        source=interview,
        text=quote,
        condensed="Being with a like-minded person: aware of self-care",
        code_groups=CodeGroup.objects.filter(
            key__in=["outcomes-self_care_awareness", "reasonings-trust"]
        ),
        by=evaluator,
    )
    services.evidence_add(
        target=first,
        site_id=pair.site_id,
        source_kind="interview",
        quote=unit.text,
        excerpt=unit,
        interview=interview,
        by=evaluator,
    )
    services.evidence_add(
        target=outcomes["self_care_awareness"],
        site_id=pair.site_id,
        source_kind="interview",
        quote=unit.text,
        excerpt=unit,
        interview=interview,
        by=evaluator,
    )


def _logbook_coded(pair: Pair, mechanism, evaluator) -> None:
    """The case's first logbook with a reflection coded as a source, its first sentence cited
    for the trust mechanism (a logbook is coded as an interview is)."""
    logbook = (
        Logbook.objects.filter(meeting__pair=pair, status__in=SUBMITTED)
        .exclude(reflections="")
        .order_by("meeting__held_on", "id")
        .first()
    )
    if logbook is None:
        return
    unit = services.meaning_unit_add(
        source=logbook,
        text=logbook.reflections.split(". ")[0],
        condensed="The relationship in the supporter's words",
        code_groups=CodeGroup.objects.filter(key="reasonings-trust"),
        by=evaluator,
    )
    services.evidence_add(
        target=mechanism,
        site_id=pair.site_id,
        source_kind="logbook",
        quote=unit.text,
        excerpt=unit,
        logbook=logbook,
        by=evaluator,
    )


def _observations(ctx: DemoContext, evaluator) -> None:
    for setting, on, title, notes in OBSERVATIONS:
        if Observation.objects.filter(site=ctx.site, setting=setting, observed_on=on).exists():
            continue
        event = observable_events(evaluator).on(setting, on)
        observation = services.observation_save(
            site=ctx.site,
            by=evaluator,
            values={
                "setting": setting,
                "observed_on": on,
                "title": title,
                "field_notes": notes,
                "course": event.course if event else None,
                "session": event.session if event else None,
            },
        )
        services.meaning_unit_add(
            source=observation,
            text=notes.split(".")[0] + ".",
            code_groups=CodeGroup.objects.filter(
                key__in=["resources-lived_experience", "resources-adapting_role"]
            ),
            by=evaluator,
        )


def seed(ctx: DemoContext) -> None:
    evaluator, nurse, manager = ctx.users["evaluator"], ctx.users["nurse"], ctx.users["manager"]
    _completed_pairs(ctx, manager)
    _visits(ctx, nurse)
    theory = _theories(ctx, evaluator)
    consented = routine_data_consented()
    cases = (  # one per case: a substitute's pair continues its first pair's case
        Pair.objects.case_roots()
        .filter(site=ctx.site, status__in=STARTED)
        .filter(peer__in=consented, supporter__in=consented)
        .order_by("id")
    )
    for index, pair in enumerate(cases):
        _case(pair, index, theory, evaluator, manager)
    _observations(ctx, evaluator)
    # The project manager's interview, once per site.
    if not Interview.objects.filter(site=ctx.site, informant_type="project_manager").exists():
        services.interview_save(
            site=ctx.site,
            by=evaluator,
            values={
                "informant_type": "project_manager",
                "conducted_on": dt.date(2026, 6, 1),
                "mode": "telephone",
                "transcript": "Interviewer: How did the matching work?\nProject manager: The "
                "more they had in common, the more the supporters put themselves into it.",
            },
        )
