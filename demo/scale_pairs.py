"""The pairs of the national programme (see demo.scale): pairs with their meeting plan,
twelve meetings each and a logbook after every held meeting; the nurse's visits before and after;
a year of supervision and network meetings per site with attendance, dilemmas and actions.

Four in five pairs completed their six months; the rest are active, half-way through the plan,
with a few logbooks waiting for review and some requests for support.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from evaluation.factories import NurseVisitFactory
from evaluation.models import NurseVisit
from evaluation.models.choices import VisitKind
from logbooks.factories import LogbookFactory, MeetingFactory, MeetingPlanFactory, PairFactory
from logbooks.models import (
    CancelledBy,
    CancelReason,
    Logbook,
    LogbookStatus,
    Meeting,
    MeetingPlan,
    MeetingStatus,
    Pair,
    PairStatus,
    Topic,
)
from matching.factories import MatchWeightsFactory
from matching.models import MatchWeights
from programme.factories import (
    DilemmaFactory,
    FollowUpActionFactory,
    SessionFactory,
    SessionInvitationFactory,
    SuggestedTopicFactory,
    at,
)
from programme.models import (
    Dilemma,
    FollowUpAction,
    Participant,
    Session,
    SessionInvitation,
    SessionKind,
    Status,
    SuggestedTopic,
    Theme,
    TopicSource,
)
from tod.accounts.models import Role, User

from .scale import ScaleWorld, SiteWorld, bulk

MEETINGS_PER_PAIR = 12
COMPLETED_EVERY = 5  # one pair in five is still active, spread over the supporters
TOPICS = [choice for choice, _label in Topic.choices]
PLACES = ["Biblioteket", "Fælledparken", "Caféen på hjørnet", "Hjemme hos makkeren"]
THEMES = [choice for choice, _label in Theme.choices]


def seed_pairs(world: ScaleWorld) -> None:
    pairs: list[Pair] = []
    for site_world in world.sites:
        site_world.pairs = _site_pairs(world, site_world)
        pairs += site_world.pairs
    bulk(Pair, pairs)
    world.count("pairs", len(pairs))
    Participant.objects.filter(
        pk__in=[p.peer_id for p in pairs if p.status == PairStatus.COMPLETED]
    ).update(status=Status.COMPLETED)
    _seed_meetings(world, pairs)
    _seed_nurse_visits(world, pairs)
    _seed_sessions(world)
    MatchWeights.objects.bulk_create(
        [MatchWeightsFactory.build(site=s.site) for s in world.sites], ignore_conflicts=True
    )


def _site_pairs(world: ScaleWorld, site_world: SiteWorld) -> list[Pair]:
    rng, today = world.rng, world.today
    manager = site_world.staff[Role.MANAGER]
    supporters = site_world.pair_supporters
    rows = []
    for index, peer in enumerate(site_world.pair_peers):
        supporter = supporters[index % len(supporters)]
        completed = index % COMPLETED_EVERY != 0
        if completed:
            started = today - dt.timedelta(days=rng.randrange(200, 390))
            ended = started + dt.timedelta(days=14 * MEETINGS_PER_PAIR)
        else:
            started = today - dt.timedelta(days=rng.randrange(99, 111))
            ended = None
        created = at(started, 8) - dt.timedelta(days=21)
        rows.append(
            PairFactory.build(
                site=site_world.site,
                round=site_world.round,
                peer=peer,
                supporter=supporter,
                status=PairStatus.COMPLETED if completed else PairStatus.ACTIVE,
                started_on=started,
                ended_on=ended,
                created_at=created,
                score=round(rng.uniform(8, 17), 2),
                similarities=rng.randrange(1, 6),
                peer_survey_id=site_world.surveys[peer.pk],
                supporter_survey_id=site_world.surveys[supporter.pk],
                formed_by=manager,
                peer_answer="agreed",
                supporter_answer="agreed",
                match_meeting_at=at(started, 10),
                match_meeting_place=PLACES[0],
                match_meeting_held_on=started,
                expectations="At gå ture sammen og tale om mad og motion.",
            )
        )
    return rows


def _seed_meetings(world: ScaleWorld, pairs: list[Pair]) -> None:
    """Twelve meetings every second week from the match meeting: in a completed pair ten held
    and two cancelled; in an active pair the past ones held (the latest without its logbook
    yet, one cancelled) and the rest planned."""
    rng, now = world.rng, timezone.now()
    plans, meetings = [], []
    for pair in pairs:
        place = rng.choice(PLACES)
        started_on = pair.started_on
        assert started_on is not None  # every pair of the scale data has started
        plans.append(
            MeetingPlanFactory.build(
                pair=pair, match_meeting_on=started_on, weekday=started_on.weekday(), place=place
            )
        )
        cancelled = set(rng.sample(range(2, MEETINGS_PER_PAIR), 2))
        for number in range(1, MEETINGS_PER_PAIR + 1):
            day = started_on + dt.timedelta(days=14 * number)
            planned_at = at(day, 10)
            outcome: dict = {}
            if planned_at < now and number in cancelled:
                outcome = {
                    "status": MeetingStatus.CANCELLED,
                    "cancelled_by": rng.choice([CancelledBy.PEER, CancelledBy.SUPPORTER]),
                    "cancel_reason": rng.choice(
                        [CancelReason.PEER_HEALTH, CancelReason.PRACTICAL, CancelReason.LIFE_EVENT]
                    ),
                    "recorded_at": planned_at,
                }
            elif planned_at < now:
                outcome = {
                    "status": MeetingStatus.HELD,
                    "held_on": day,
                    "duration_minutes": rng.choice([45, 60, 90, 120]),
                    "activity": "Gåtur og kaffe",
                    "held_by": pair.supporter,
                    "recorded_at": planned_at + dt.timedelta(hours=3),
                }
            meetings.append(
                MeetingFactory.build(
                    pair=pair, sequence=number, planned_at=planned_at, place=place, **outcome
                )
            )
    bulk(MeetingPlan, plans)
    bulk(Meeting, meetings, batch_size=5000)
    world.count("meetings", len(meetings))
    _seed_logbooks(world, pairs, meetings)


def _seed_logbooks(world: ScaleWorld, pairs: list[Pair], meetings: list[Meeting]) -> None:
    """A logbook for every held meeting but an active pair's latest; the manager reviewed the
    ones older than two weeks; about one in fifteen asks for support."""
    rng, now = world.rng, timezone.now()
    author: dict[int, User] = {}
    manager = {}
    for site_world in world.sites:
        for supporter, login in zip(
            site_world.pair_supporters, site_world.supporter_logins, strict=True
        ):
            author[supporter.pk] = login
        manager[site_world.site.pk] = site_world.staff[Role.MANAGER].pk
    pair_by_id = {pair.pk: pair for pair in pairs}
    latest_held: dict[int, int] = {}
    for meeting in meetings:
        if meeting.status == MeetingStatus.HELD:
            latest_held[meeting.pair_id] = meeting.pk
    rows = []
    for meeting in meetings:
        pair = pair_by_id[meeting.pair_id]
        if meeting.status != MeetingStatus.HELD:
            continue
        if pair.status == PairStatus.ACTIVE and latest_held[pair.pk] == meeting.pk:
            continue
        submitted = meeting.planned_at + dt.timedelta(days=1)
        reviewed = now - submitted > dt.timedelta(days=14)
        needs_support = rng.random() < 1 / 15
        scales = {f"scale_{n}": rng.randint(3, 5) for n in ("trust", "respect", "empathy")}
        scales |= {f"scale_{n}": rng.randint(2, 5) for n in ("care", "honesty", "equal")}
        help_text = "Hvordan jeg taler om medicin uden at presse." if needs_support else ""
        handled = submitted + dt.timedelta(days=2) if needs_support and reviewed else None
        rows.append(
            LogbookFactory.build(
                meeting=meeting,
                author=author[pair.supporter_id],
                status=LogbookStatus.REVIEWED if reviewed else LogbookStatus.SUBMITTED,
                activities="Gåtur og kaffe bagefter",
                place=meeting.place,
                duration_minutes=meeting.duration_minutes,
                topics=rng.sample(TOPICS, 3),
                relationship="Vi taler lettere sammen nu.",
                improvements="Går selv en tur om morgenen.",
                reflections="Det hjælper at jeg selv har haft det svært med maden.",
                challenges="Vil ikke tale om medicin." if needs_support else "",
                needs_support=needs_support,
                support_with=help_text,
                role_perception=rng.choice(["befriender", "both", "diabetes_support"]),
                submitted_at=submitted,
                draft_saved_at=submitted,
                reviewed_at=submitted + dt.timedelta(days=3) if reviewed else None,
                reviewed_by_id=manager[pair.site_id] if reviewed else None,
                support_handled_at=handled,
                created_at=submitted,
                **scales,
            )
        )
    bulk(Logbook, rows)
    world.count("logbooks", len(rows))


def _seed_nurse_visits(world: ScaleWorld, pairs: list[Pair]) -> None:
    """A pre-visit for every peer of a pair and of the pool, a post-visit after a completed
    pair: with 4,000 completed pairs of 5,000 and 1,000 in the pool, 10,000 visits."""
    rng = world.rng
    nurse = {s.site.pk: s.staff[Role.NURSE] for s in world.sites}
    rows = []

    def visit(peer, site, kind, day, hba1c):
        who5 = [rng.randint(1, 5) for _ in range(5)]
        paid5 = [rng.randint(0, 4) for _ in range(5)]
        row = NurseVisitFactory.build(
            site=site,
            peer=peer,
            kind=kind,
            visited_on=day,
            nurse=nurse[site.pk],
            hba1c_mmol_mol=hba1c,
            systolic_mmhg=rng.randint(118, 165),
            diastolic_mmhg=rng.randint(70, 100),
            weight_kg=round(rng.uniform(65, 120), 1),
            height_cm=round(rng.uniform(155, 195), 1),
            gp_contacts=rng.randint(0, 8),
            missed_appointments=rng.randint(0, 3),
            **{f"who5_{i + 1}": v for i, v in enumerate(who5)},
            **{f"paid5_{i + 1}": v for i, v in enumerate(paid5)},
        )
        row.compute_scores()
        rows.append(row)

    for pair in pairs:
        before = rng.randint(58, 95)
        visit(pair.peer, pair.site, VisitKind.PRE, pair.started_on, before)
        if pair.status == PairStatus.COMPLETED:
            visit(
                pair.peer,
                pair.site,
                VisitKind.POST,
                pair.ended_on,
                before - rng.randint(-4, 12),
            )
    for site_world in world.sites:
        for peer in site_world.pool_peers:
            visit(peer, site_world.site, VisitKind.PRE, world.today, rng.randint(58, 95))
    bulk(NurseVisit, rows)
    world.count("nurse visits", len(rows))


def _seed_sessions(world: ScaleWorld) -> None:
    """Per site a year of monthly sessions, supervision and network meetings in turn, every
    supporter of a pair invited; attendance, a dilemma and an action for the past ones."""
    rng, now = world.rng, timezone.now()
    sessions, invitations, dilemmas, actions, topics = [], [], [], [], []
    per_session: list[tuple[Session, SiteWorld]] = []
    for site_world in world.sites:
        manager = site_world.staff[Role.MANAGER]
        supervisor = site_world.staff[Role.SUPERVISOR]
        first = world.today - dt.timedelta(days=300)
        for month in range(12):
            day = first + dt.timedelta(days=30 * month)
            kind = SessionKind.SUPERVISION if month % 2 == 0 else SessionKind.NETWORK
            session = SessionFactory.build(
                site=site_world.site,
                round=site_world.round,
                kind=kind,
                starts_at=at(day, 16),
                ends_at=at(day, 18),
                place="Sundhedshuset, mødelokale 2",
                leader=supervisor if kind == SessionKind.SUPERVISION else None,
                created_by=manager,
            )
            sessions.append(session)
            site_world.sessions.append(session)
            per_session.append((session, site_world))
        topics.append(
            SuggestedTopicFactory.build(
                site=site_world.site,
                source=TopicSource.SUPPORT_REQUEST,
                meeting_number=4,
                suggested_by=manager,
                text="Hvordan støtter jeg en makker, der ikke vil tale om diabetes?",
            )
        )
    bulk(Session, sessions)
    for session, site_world in per_session:
        past = session.ends_at <= now
        for supporter in site_world.pair_supporters:
            invitations.append(
                SessionInvitationFactory.build(
                    session=session,
                    participant=supporter,
                    attended=(rng.random() < 0.75) if past else None,
                )
            )
        if past:
            manager = site_world.staff[Role.MANAGER]
            dilemmas.append(
                DilemmaFactory.build(
                    session=session,
                    theme=rng.choice(THEMES),
                    recorded_by=manager,
                    text="Min makker aflyser ofte i sidste øjeblik.",
                )
            )
            actions.append(
                FollowUpActionFactory.build(
                    session=session,
                    created_by=manager,
                    responsible="Projektleder",
                    text="Tag emnet op igen på næste netværksmøde",
                    done_at=session.ends_at + dt.timedelta(days=7),
                )
            )
    bulk(SessionInvitation, invitations, batch_size=5000)
    bulk(Dilemma, dilemmas)
    bulk(FollowUpAction, actions)
    bulk(SuggestedTopic, topics)
    world.count("sessions", len(sessions))
    world.count("session invitations", len(invitations))
