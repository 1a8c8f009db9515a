"""The programme's part of the demo: sites, one user per role and the study's sample of
participants.

Mirrors the seed paper's recruitment: ten supporters (5 Centre for Diabetes, 2 Danish Diabetes
Association, 1 GP, 2 web page; six men and four women, as in its Table 2) and twelve peers (6
Centre for Diabetes, 2 home care, 1 GP, 3 from other channels; the nine of the paper's channels,
who become the cases, seven men and two women). Everyone is screened eligible after an initial
conversation and has given programme consent and consent to the evaluation's purposes (routine
data, interview, and for supporters observation); two peers declined only their own interview,
as in the study. The supporters took the two-day course in January (one made up day 2 on the
March course), and a year of bimonthly supervision and network meetings runs from February,
with attendance, dilemmas and follow-up actions for the sessions that have taken place. Every
step is keyed on natural keys (the factories' get-or-create), so running it twice changes
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from programme import services
from programme.factories import (
    CourseFactory,
    DilemmaFactory,
    FollowUpActionFactory,
    ParticipantFactory,
    RoundFactory,
    SessionFactory,
    SessionInvitationFactory,
    SuggestedTopicFactory,
    TrainingDayFactory,
    at,
)
from programme.models import (
    CRITERIA,
    RESEARCH_PURPOSES,
    Answer,
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Course,
    CourseInvitation,
    Kind,
    Participant,
    ReferralChannel,
    Round,
    SessionKind,
    Sex,
    TopicSource,
    TrainingAttendance,
    purposes_for,
)
from tod.accounts.factories import SiteFactory, UserFactory
from tod.accounts.models import Role, Site, User

DEMO_PASSWORD = "together-on-diabetes"

C = ReferralChannel
SUPPORTERS = [
    ("Hanne", "Larsen", dt.date(1958, 3, 14), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2200"),
    ("Jens", "Nielsen", dt.date(1954, 7, 2), Sex.MALE, C.CENTRE_FOR_DIABETES, "2300"),
    ("Birthe", "Jensen", dt.date(1961, 11, 23), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2400"),
    ("Ole", "Pedersen", dt.date(1952, 1, 9), Sex.MALE, C.CENTRE_FOR_DIABETES, "2450"),
    ("Kirsten", "Andersen", dt.date(1965, 5, 30), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2500"),
    ("Lars", "Christensen", dt.date(1959, 9, 17), Sex.MALE, C.DIABETES_ASSOCIATION, "2100"),
    ("Steen", "Hansen", dt.date(1963, 4, 4), Sex.MALE, C.DIABETES_ASSOCIATION, "1550"),
    ("Peter", "Sørensen", dt.date(1956, 12, 12), Sex.MALE, C.GENERAL_PRACTITIONER, "2700"),
    ("Anne", "Rasmussen", dt.date(1968, 8, 21), Sex.FEMALE, C.WEB_PAGE, "2000"),
    ("Michael", "Jørgensen", dt.date(1960, 2, 27), Sex.MALE, C.WEB_PAGE, "2720"),
]
PEERS = [
    ("Bent", "Madsen", dt.date(1957, 6, 5), Sex.MALE, C.CENTRE_FOR_DIABETES, "2200"),
    ("Inge", "Kristensen", dt.date(1962, 10, 19), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2300"),
    ("Erik", "Olsen", dt.date(1955, 3, 28), Sex.MALE, C.CENTRE_FOR_DIABETES, "2400"),
    ("Lone", "Thomsen", dt.date(1966, 1, 15), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2450"),
    ("Henrik", "Poulsen", dt.date(1953, 9, 8), Sex.MALE, C.CENTRE_FOR_DIABETES, "2500"),
    ("Jørgen", "Johansen", dt.date(1959, 12, 1), Sex.MALE, C.CENTRE_FOR_DIABETES, "2100"),
    ("Poul", "Møller", dt.date(1951, 4, 22), Sex.MALE, C.HOME_CARE, "2700"),
    ("Gunnar", "Knudsen", dt.date(1958, 7, 11), Sex.MALE, C.HOME_CARE, "2720"),
    ("Torben", "Mortensen", dt.date(1964, 2, 3), Sex.MALE, C.GENERAL_PRACTITIONER, "2000"),
    ("Karen", "Holm", dt.date(1960, 8, 30), Sex.FEMALE, C.OTHER, "1550"),
    ("Niels", "Jakobsen", dt.date(1956, 5, 16), Sex.MALE, C.OTHER, "2200"),
    ("Ulla", "Schmidt", dt.date(1963, 11, 6), Sex.FEMALE, C.OTHER, "2300"),
]
# Backgrounds (origin, education, employment, lives alone, work experience, complications,
# other diagnoses), by position in SUPPORTERS and PEERS: entered once on the participant's record
# (ADR 0013); the match surveys, the candidates pages and the sample table (Table 2) read them.
SUPPORTER_BACKGROUNDS = [
    ("danish", "intermediate", "retired", False, True, ["hypertension"], ["arthritis"]),
    ("danish", "vocational", "retired", False, False, ["cardiovascular"], []),
    ("danish", "long", "employed", False, True, ["hypertension"], ["stress"]),
    ("danish", "vocational", "early_retirement", True, False, ["neuropathy"], ["depression"]),
    ("western", "intermediate", "employed", False, True, [], ["anxiety"]),
    ("danish", "short", "retired", True, False, ["hypertension", "nephropathy"], ["copd"]),
    ("danish", "long", "employed", False, True, ["hypertension"], []),
    ("non_western", "intermediate", "retired", False, False, ["cardiovascular"], ["arthritis"]),
    ("danish", "vocational", "unemployed", True, False, ["neuropathy"], ["stress"]),
    ("danish", "intermediate", "retired", False, False, ["hypertension"], []),
]
PEER_BACKGROUNDS = [
    ("danish", "short", "unemployed", True),
    ("danish", "vocational", "early_retirement", True),
    ("danish", "short", "early_retirement", True),
    ("non_western", "short", "unemployed", True),
    ("danish", "intermediate", "sick_leave", True),
    ("danish", "short", "early_retirement", True),
    ("danish", "vocational", "retired", True),
    ("western", "short", "unemployed", True),
    ("danish", "short", "early_retirement", True),
    ("danish", "vocational", "unemployed", True),
    ("danish", "short", "early_retirement", True),
    ("danish", "intermediate", "unemployed", True),
]
SMALL_SITE_PARTICIPANTS = [
    ("Kim", "Lund", dt.date(1962, 3, 3), Sex.MALE, Kind.SUPPORTER, C.CENTRE_FOR_DIABETES, "8000"),
    ("Mette", "Dahl", dt.date(1958, 9, 9), Sex.FEMALE, Kind.PEER, C.GENERAL_PRACTITIONER, "8200"),
]


@dataclass
class DemoContext:
    """What the programme's part of the demo made, for the other apps' demo steps."""

    site: Site
    small_site: Site
    round: Round
    users: dict[str, User] = field(default_factory=dict)
    supporters: list[Participant] = field(default_factory=list)
    peers: list[Participant] = field(default_factory=list)


# The demo's rows are looked up by their natural keys before they are made: seeding twice
# changes nothing.
class DemoRoundFactory(RoundFactory):
    class Meta:
        django_get_or_create = ("site", "name")


class DemoParticipantFactory(ParticipantFactory):
    class Meta:
        django_get_or_create = ("site", "first_name", "last_name", "date_of_birth")


class DemoCourseFactory(CourseFactory):
    class Meta:
        django_get_or_create = ("site", "name")


class DemoTrainingDayFactory(TrainingDayFactory):
    class Meta:
        django_get_or_create = ("course", "number")


class DemoSessionFactory(SessionFactory):
    class Meta:
        django_get_or_create = ("site", "kind", "starts_at")


class DemoSessionInvitationFactory(SessionInvitationFactory):
    class Meta:
        django_get_or_create = ("session", "participant")


class DemoDilemmaFactory(DilemmaFactory):
    class Meta:
        django_get_or_create = ("session", "text")


class DemoFollowUpActionFactory(FollowUpActionFactory):
    class Meta:
        django_get_or_create = ("session", "text")


class DemoSuggestedTopicFactory(SuggestedTopicFactory):
    class Meta:
        django_get_or_create = ("site", "text")


def demo_user(username: str, role: str, sites: list[Site], first: str, last: str) -> User:
    """The demo login `username` (made once, with DEMO_PASSWORD)."""
    return User.objects.filter(username=username).first() or UserFactory.create(
        username=username,
        role=role,
        sites=sites,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.invalid",
    )


def _participant(site, round_, kind, first, last, born, sex, channel, postcode) -> Participant:
    return DemoParticipantFactory.create(
        site=site,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        round=round_,
        kind=kind,
        sex=sex,
        referral_channel=channel,
        postcode=postcode,
        email=f"{first.lower()}.{last.lower()}@demo.invalid".replace("ø", "oe"),
    )


def seed() -> DemoContext:
    site = SiteFactory.create(slug="copenhagen", name="Copenhagen")
    small_site = SiteFactory.create(slug="aarhus", name="Aarhus")
    round_ = DemoRoundFactory.create(
        site=site, name="2026", starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 12, 18)
    )
    small_round = DemoRoundFactory.create(
        site=small_site, name="2026", starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 12, 18)
    )
    ctx = DemoContext(site=site, small_site=small_site, round=round_)
    hanne = SUPPORTERS[0]  # the `supporter` login is the first supporter's
    ctx.users = {
        "manager": demo_user("manager", Role.MANAGER, [site], "Maria", "Holm"),
        "manager-aarhus": demo_user("manager-aarhus", Role.MANAGER, [small_site], "Søren", "Bach"),
        "supporter": demo_user("supporter", Role.SUPPORTER, [site], hanne[0], hanne[1]),
        "nurse": demo_user("nurse", Role.NURSE, [site], "Dorthe", "Friis"),
        "supervisor": demo_user("supervisor", Role.SUPERVISOR, [site], "Claus", "Winther"),
        "evaluator": demo_user("evaluator", Role.EVALUATOR, [site, small_site], "Sara", "Vinther"),
    }
    for first, last, born, sex, channel, postcode in SUPPORTERS:
        ctx.supporters.append(
            _participant(site, round_, Kind.SUPPORTER, first, last, born, sex, channel, postcode)
        )
    for first, last, born, sex, channel, postcode in PEERS:
        ctx.peers.append(
            _participant(site, round_, Kind.PEER, first, last, born, sex, channel, postcode)
        )
    for first, last, born, sex, kind, channel, postcode in SMALL_SITE_PARTICIPANTS:
        _participant(small_site, small_round, kind, first, last, born, sex, channel, postcode)

    first_supporter, supporter_user = ctx.supporters[0], ctx.users["supporter"]
    if first_supporter.user_id != supporter_user.id:
        first_supporter.user = supporter_user
        first_supporter.save(update_fields=["user"])
    _seed_recruitment(ctx)
    _seed_backgrounds(ctx)
    _seed_training(ctx)
    _seed_supervision(ctx)
    _seed_web_referral(small_site, small_round)
    return ctx


# Two peers took part in the programme and gave their routine data, but declined being
# interviewed: their cases were analysed from the supporters' data.
DECLINED_INTERVIEW = {("Poul", "Møller"), ("Gunnar", "Knudsen")}


def _seed_recruitment(ctx: DemoContext) -> None:
    manager = ctx.users["manager"]
    people = ctx.supporters + ctx.peers
    for index, participant in enumerate(people):
        met = dt.date(2025, 11, 3) + dt.timedelta(days=index)
        if not participant.conversations.exists():
            services.conversation_record(
                participant=participant,
                held_on=met,
                notes="Første samtale: motivation, hverdag, ønsker til en makker.",
                by=manager,
            )
        if not participant.screenings.exists():
            services.screening_record(
                participant=participant,
                screened_on=met,
                answers={code: Answer.YES for code, _label in CRITERIA[participant.kind]},
                by=manager,
            )
        if not participant.consents.exists():
            services.consent_record(
                participant=participant,
                purpose=ConsentPurpose.PROGRAMME,
                decision=ConsentDecision.GIVEN,
                decided_on=met + dt.timedelta(days=7),
                method=ConsentMethod.WRITTEN,
                by=manager,
            )
            declined = (participant.first_name, participant.last_name) in DECLINED_INTERVIEW
            for purpose in purposes_for(participant.kind):
                if purpose not in RESEARCH_PURPOSES:
                    continue
                no = declined and purpose == ConsentPurpose.INTERVIEW
                services.consent_record(
                    participant=participant,
                    purpose=purpose,
                    decision=ConsentDecision.DECLINED if no else ConsentDecision.GIVEN,
                    decided_on=met + dt.timedelta(days=7),
                    method=ConsentMethod.WRITTEN,
                    by=manager,
                    note="Ønsker ikke at blive interviewet." if no else "",
                )


def _seed_backgrounds(ctx: DemoContext) -> None:
    manager = ctx.users["manager"]
    for supporter, values in zip(ctx.supporters, SUPPORTER_BACKGROUNDS, strict=True):
        origin, education, employment, alone, experience, complications, diagnoses = values
        services.background_update(
            participant=supporter,
            by=manager,
            values={
                "origin": origin,
                "education": education,
                "employment": employment,
                "lives_alone": alone,
                "support_work_experience": experience,
                "complications": complications,
                "other_diagnoses": diagnoses,
            },
        )
    for peer, (origin, education, employment, alone) in zip(
        ctx.peers, PEER_BACKGROUNDS, strict=True
    ):
        services.background_update(
            participant=peer,
            by=manager,
            values={
                "origin": origin,
                "education": education,
                "employment": employment,
                "lives_alone": alone,
            },
        )


def _course(ctx: DemoContext, name: str, day1: dt.date, day2: dt.date) -> Course:
    course = DemoCourseFactory.create(
        site=ctx.site,
        name=name,
        round=ctx.round,
        trainer="Lene Kragh, sygeplejerske",
        capacity=12,
        created_by=ctx.users["manager"],
    )
    for number, day in ((1, day1), (2, day2)):
        DemoTrainingDayFactory.create(
            course=course,
            number=number,
            starts_at=at(day, 9),
            ends_at=at(day, 15),
            place="Steno Diabetes Center Copenhagen, Borgmester Ib Juuls Vej 83",
        )
    return course


def _seed_training(ctx: DemoContext) -> None:
    """The January course; the last supporter missed day 2 and made it up in March."""
    manager = ctx.users["manager"]
    january = _course(ctx, "Makkerkursus januar 2026", dt.date(2026, 1, 12), dt.date(2026, 1, 19))
    march = _course(ctx, "Makkerkursus marts 2026", dt.date(2026, 3, 9), dt.date(2026, 3, 16))
    late = ctx.supporters[-1]
    if not CourseInvitation.objects.filter(course=january).exists():
        services.course_invite(course=january, participants=ctx.supporters, by=manager)
        for day in january.days.all():
            attended = {p.pk: not (p.pk == late.pk and day.number == 2) for p in ctx.supporters}
            services.training_attendance_record(
                day=day, attended=attended, by=manager, now=day.ends_at
            )
    if not TrainingAttendance.objects.filter(day__course=march).exists():
        services.course_invite(course=march, participants=[late], by=manager)
        day2 = march.days.get(number=2)
        services.training_attendance_record(
            day=day2, attended={late.pk: True}, by=manager, now=day2.ends_at
        )


DILEMMAS = [
    ("role", "Min makker vil helst bare snakke om alt andet end diabetes. Er jeg så en ven?"),
    ("contact", "Min makker aflyser ofte i sidste øjeblik. Hvor mange gange skal jeg ringe?"),
    ("life_circumstances", "Min makker har mistet sit job og har svært ved at betale medicin."),
    ("boundaries", "Hvor meget skal jeg hjælpe med praktiske ting som indkøb?"),
    ("health_care", "Min makker tør ikke gå til lægen. Kan jeg tage med?"),
    ("health", "Min makker spiser meget sukker. Hvordan taler jeg om det uden at belære?"),
]


def _seed_supervision(ctx: DemoContext) -> None:
    """A year of bimonthly supervision (from February) and network meetings (from March)."""
    manager, supervisor = ctx.users["manager"], ctx.users["supervisor"]
    now = timezone.now()
    plan = [
        (SessionKind.SUPERVISION, dt.date(2026, month, 4), supervisor)
        for month in (2, 4, 6, 8, 10, 12)
    ] + [(SessionKind.NETWORK, dt.date(2026, month, 18), None) for month in (3, 5, 7, 9, 11)]
    plan.append((SessionKind.NETWORK, dt.date(2027, 1, 20), None))
    for index, (kind, day, leader) in enumerate(sorted(plan, key=lambda item: item[1])):
        session = DemoSessionFactory.create(
            site=ctx.site,
            kind=kind,
            starts_at=at(day, 16),
            round=ctx.round,
            ends_at=at(day, 18),
            place="Diabetesforeningen, Rosenørns Allé 18",
            leader=leader,
            created_by=manager,
        )
        for position, supporter in enumerate(ctx.supporters):
            invitation = DemoSessionInvitationFactory.create(session=session, participant=supporter)
            if session.ends_at <= now and invitation.attended is None:
                invitation.attended = (position + index) % 4 != 0
                invitation.save(update_fields=["attended"])
        if session.ends_at <= now:
            theme, text = DILEMMAS[index % len(DILEMMAS)]
            DemoDilemmaFactory.create(session=session, text=text, theme=theme, recorded_by=manager)
            DemoFollowUpActionFactory.create(
                session=session,
                text="Del kontaktoplysninger på kommunens gældsrådgivning"
                if theme == "life_circumstances"
                else "Tag emnet op igen på næste netværksmøde",
                responsible="Maria Holm",
                created_by=manager,
            )
            if kind == SessionKind.SUPERVISION and not session.notes:
                session.notes = "God stemning. Flere oplever at rollen er mere ven end coach."
                session.save(update_fields=["notes"])
    DemoSuggestedTopicFactory.create(
        site=ctx.site,
        text="Hvordan støtter jeg en makker, der ikke vil tale om sin diabetes?",
        source=TopicSource.SUPPORT_REQUEST,
        meeting_number=4,
        supporter=ctx.supporters[0],  # invited to every session: the supervisor reads it
        suggested_by=manager,
    )


def _seed_web_referral(site: Site, round_: Round) -> None:
    """Someone filled the public form in Aarhus and waits to be screened."""
    DemoParticipantFactory.create(
        site=site,
        first_name="Jonas",
        last_name="Berg",
        date_of_birth=dt.date(1966, 4, 12),
        round=round_,
        kind=Kind.SUPPORTER,
        sex=Sex.MALE,
        referral_channel=ReferralChannel.WEB_PAGE,
        postcode="8000",
        email="jonas.berg@demo.invalid",
        referral_note="Jeg har haft type 2-diabetes i 12 år og vil gerne hjælpe andre.",
    )
