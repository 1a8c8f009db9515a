"""A national programme for measuring the app at scale (`manage.py seed_scale`).

Sites, their staff, and the people of each site: the peers and supporters of the pairs, plus a
matching pool of unmatched peers and supporters, each screened eligible, with consent to the
programme and to each research purpose of their kind, an initial conversation and a match
survey; the supporters trained. The pairs, their meetings, logbooks, nurse visits and the
supervision and network meetings are made by `demo.scale_pairs`.

Every row is built by the apps' factories (`.build()`, unsaved) and written with bulk_create in
batches, through the audit triggers like any other write: the rows are recorded as made by the
system (no acting user). A fixed random seed and
dates counted from `today` make two runs on the same day produce the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from django.utils.text import slugify

from evaluation.codebook import codebook_ensure
from evaluation.models import CodeGroup, Theme
from matching.factories import MatchSurveyFactory
from matching.models import MatchSurvey
from programme.factories import (
    BackgroundFactory,
    ConsentFactory,
    CourseFactory,
    CourseInvitationFactory,
    InitialConversationFactory,
    ParticipantFactory,
    RoundFactory,
    ScreeningFactory,
    TrainingAttendanceFactory,
    TrainingDayFactory,
    at,
)
from programme.models import (
    CRITERIA,
    Answer,
    Background,
    Consent,
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    ConsentText,
    Course,
    CourseInvitation,
    InitialConversation,
    Kind,
    Participant,
    ReferralChannel,
    Round,
    Screening,
    ScreeningResult,
    Sex,
    Status,
    TrainingAttendance,
    TrainingDay,
    purposes_for,
)
from programme.services.site_settings import site_settings_ensure
from tod.accounts.factories import SiteFactory, UserFactory
from tod.accounts.models import Role, Site, User

SEED = 20261126
BATCH = 2000
PASSWORD = "together-at-scale"
STAFF_ROLES = (Role.MANAGER, Role.NURSE, Role.SUPERVISOR, Role.EVALUATOR)

MUNICIPALITIES = [
    "København", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Randers", "Kolding", "Horsens",
    "Vejle", "Roskilde", "Herning", "Silkeborg", "Næstved", "Fredericia", "Viborg", "Køge",
    "Holstebro", "Slagelse", "Hillerød", "Svendborg",
]  # fmt: skip
FIRST_NAMES = {
    Sex.FEMALE: ["Anne", "Kirsten", "Hanne", "Mette", "Inge", "Lone", "Birthe", "Susanne",
                 "Karen", "Jytte", "Grethe", "Ulla", "Bente", "Lene", "Marianne", "Pia"],
    Sex.MALE: ["Jens", "Peter", "Lars", "Ole", "Henrik", "Niels", "Bent", "Erik", "Poul",
               "Torben", "Michael", "Søren", "Jørgen", "Hans", "Carsten", "Per"],
}  # fmt: skip
LAST_NAMES = [
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Holm", "Schmidt",
]  # fmt: skip
CHANNELS = [choice for choice, _label in ReferralChannel.choices]
ORIGINS = ["danish"] * 8 + ["western", "non_western"]
EDUCATIONS = ["short", "vocational", "intermediate", "long"]
EMPLOYMENTS: dict[str, list[str]] = {
    Kind.SUPPORTER: ["retired", "employed", "early_retirement"],
    Kind.PEER: ["early_retirement", "unemployed", "sick_leave", "retired"],
}
ACTIVITIES = ["walks", "company", "cooking", "health_system", "medication", "shopping", "social"]
SLOTS = ["weekday_morning", "weekday_afternoon", "weekday_evening", "weekend_morning"]


def bulk(model, rows: list, batch_size: int = BATCH) -> list:
    """bulk_create in batches; PostgreSQL returns the new ids."""
    return model.objects.bulk_create(rows, batch_size=batch_size)


@dataclass
class SiteWorld:
    """One site of the programme and the people it has."""

    site: Site
    round: Round
    staff: dict[str, User] = field(default_factory=dict)
    supporter_logins: list[User] = field(default_factory=list)
    pair_supporters: list[Participant] = field(default_factory=list)
    pair_peers: list[Participant] = field(default_factory=list)
    pool_supporters: list[Participant] = field(default_factory=list)
    pool_peers: list[Participant] = field(default_factory=list)
    surveys: dict[int, int] = field(default_factory=dict)  # participant id -> survey id
    pairs: list = field(default_factory=list)  # made by demo.scale_pairs
    sessions: list = field(default_factory=list)


@dataclass
class ScaleWorld:
    today: dt.date
    rng: random.Random
    sites: list[SiteWorld] = field(default_factory=list)
    superuser: User | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def is_empty() -> bool:
    return not (Site.objects.exists() or Participant.objects.exists() or User.objects.exists())


def reset() -> None:
    """Empty every table (TRUNCATE: the append-only audit tables allow it) and put back what the
    data migrations made: the codebook (each new site gets its own consent texts when it is
    made). post_migrate, which flush sends, puts back the role groups and the triggers."""
    call_command("flush", interactive=False, verbosity=0)
    codebook_ensure(Theme, CodeGroup)


def _slug(name: str) -> str:
    return slugify(name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def seed_people(*, sites: int, pairs: int, pool: int, today: dt.date | None = None) -> ScaleWorld:
    """Sites, staff and the eligible peers and supporters; returns what the pairs need."""
    world = ScaleWorld(today=today or timezone.localdate(), rng=random.Random(SEED))
    names = [
        MUNICIPALITIES[i] if i < len(MUNICIPALITIES) else f"Site {i + 1}" for i in range(sites)
    ]
    site_rows = bulk(Site, [SiteFactory.build(name=name, slug=_slug(name)) for name in names])
    for site in site_rows:  # bulk_create sends no post_save: each site's settings and texts
        site_settings_ensure(site=site)
    starts = world.today - dt.timedelta(days=420)
    rounds = bulk(
        Round,
        [
            RoundFactory.build(
                site=s,
                name=f"{starts.year}-{starts.year + 2}",
                starts_on=starts,
                ends_on=world.today + dt.timedelta(days=300),
            )
            for s in site_rows
        ],
    )
    world.sites = [SiteWorld(site=s, round=r) for s, r in zip(site_rows, rounds, strict=True)]
    world.count("sites", len(site_rows))
    _seed_staff(world)
    _populate(world, _split(pairs, sites), _split(pool, sites))
    return world


def seed_site(
    *, site: Site, round_: Round, staff: dict[str, User], pairs: int, pool: int, today=None
) -> ScaleWorld:
    """Add people to an existing site whose staff exist (`staff`: role -> user); the pairs are
    then made by `demo.scale_pairs.seed_pairs`. The query-count tests grow the demo with
    it."""
    world = ScaleWorld(today=today or timezone.localdate(), rng=random.Random(SEED))
    world.sites = [SiteWorld(site=site, round=round_, staff=dict(staff))]
    _populate(world, [pairs], [pool])
    return world


def _populate(world: ScaleWorld, pairs_per_site: list[int], pool: list[int]) -> None:
    _seed_supporter_logins(world, pairs_per_site)
    _seed_participants(world, pairs_per_site, pool)
    _seed_recruitment(world)
    _seed_training(world)


def _seed_staff(world: ScaleWorld) -> None:
    """Staff of every role per site and one superuser for the admin site. One password hash
    for all the accounts seeded (hashing thousands of times would take minutes)."""
    password = make_password(PASSWORD)
    users: list[User] = []
    for site_world in world.sites:
        slug = site_world.site.slug
        for role in STAFF_ROLES:
            site_world.staff[role] = UserFactory.build(
                username=f"{slug}-{role}",
                role=role,
                password=password,
                first_name=Role(role).label,
                last_name=site_world.site.name,
                email=f"{slug}-{role}@scale.invalid",
            )
            users.append(site_world.staff[role])
    world.superuser = UserFactory.build(
        username="scale-admin",
        role="",
        password=password,
        is_staff=True,
        is_superuser=True,
        email="scale-admin@scale.invalid",
    )
    users.append(world.superuser)
    bulk(User, users)
    _link(world, [(s, [s.staff[role] for role in STAFF_ROLES]) for s in world.sites])
    world.count("users", len(users))


def _seed_supporter_logins(world: ScaleWorld, pairs_per_site: list[int]) -> None:
    """A login for every supporter of a pair."""
    password = make_password(PASSWORD)
    per_site = []
    for site_world, n_pairs in zip(world.sites, pairs_per_site, strict=True):
        slug = site_world.site.slug
        site_world.supporter_logins = [
            UserFactory.build(
                username=f"{slug}-supporter-{i + 1}",
                role=Role.SUPPORTER,
                password=password,
                email=f"{slug}-supporter-{i + 1}@scale.invalid",
            )
            for i in range(_supporters_for(n_pairs))
        ]
        per_site.append((site_world, site_world.supporter_logins))
    bulk(User, [user for _site, logins in per_site for user in logins])
    _link(world, per_site)
    world.count("users", sum(len(logins) for _site, logins in per_site))


def _link(world: ScaleWorld, per_site: list[tuple[SiteWorld, list[User]]]) -> None:
    """The users' sites and their role's group."""
    groups: dict[str, Group] = {
        role: Group.objects.get_or_create(name=Role(role).label)[0]
        for role in (*STAFF_ROLES, Role.SUPPORTER)
    }
    site_links, group_links = [], []
    for site_world, users in per_site:
        for user in users:
            site_links.append(User.sites.through(user_id=user.pk, site_id=site_world.site.pk))
            group_links.append(User.groups.through(user_id=user.pk, group_id=groups[user.role].pk))
    bulk(User.sites.through, site_links)
    bulk(User.groups.through, group_links)


def _supporters_for(n_pairs: int) -> int:
    """Supporters of a site's pairs: most have two peers over the years, some one."""
    return (n_pairs + 1) // 2


def _person(world: ScaleWorld, site_world: SiteWorld, kind: str, status: str, user=None):
    rng = world.rng
    sex = rng.choice([Sex.FEMALE, Sex.MALE])
    first, last = rng.choice(FIRST_NAMES[sex]), rng.choice(LAST_NAMES)
    born = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(25 * 365))
    email = f"{slugify(first)}.{slugify(last)}@scale.invalid"
    return ParticipantFactory.build(
        site=site_world.site,
        round=site_world.round,
        kind=kind,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        sex=sex,
        email=email,
        postcode=str(rng.randrange(1000, 9990)),
        referral_channel=rng.choice(CHANNELS),
        status=status,
        user=user,
        created_at=at(site_world.round.starts_on + dt.timedelta(days=rng.randrange(60)), 9),
    )


def _seed_participants(world: ScaleWorld, pairs_per_site: list[int], pool: list[int]) -> None:
    rows: list[Participant] = []
    for site_world, n_pairs, n_pool in zip(world.sites, pairs_per_site, pool, strict=True):
        site_world.pair_supporters = [
            _person(world, site_world, Kind.SUPPORTER, Status.ACTIVE, user=login)
            for login in site_world.supporter_logins
        ]
        site_world.pair_peers = [
            _person(world, site_world, Kind.PEER, Status.ACTIVE) for _ in range(n_pairs)
        ]
        site_world.pool_supporters = [
            _person(world, site_world, Kind.SUPPORTER, Status.TRAINED) for _ in range(n_pool)
        ]
        site_world.pool_peers = [
            _person(world, site_world, Kind.PEER, Status.CONSENTED) for _ in range(n_pool)
        ]
        rows += site_world.pair_supporters + site_world.pair_peers
        rows += site_world.pool_supporters + site_world.pool_peers
    bulk(Participant, rows)
    world.count("participants", len(rows))
    for site_world in world.sites:
        for supporter, login in zip(
            site_world.pair_supporters, site_world.supporter_logins, strict=True
        ):
            login.first_name = supporter.first_name
    User.objects.bulk_update(
        [u for s in world.sites for u in s.supporter_logins], ["first_name"], batch_size=BATCH
    )


def _everyone(site_world: SiteWorld) -> list[Participant]:
    return (
        site_world.pair_supporters
        + site_world.pair_peers
        + site_world.pool_supporters
        + site_world.pool_peers
    )


def _seed_recruitment(world: ScaleWorld) -> None:
    """Conversation, eligible screening, both consents and a match survey for everyone."""
    rng = world.rng
    texts_of = {
        site_world.site.pk: {
            purpose: ConsentText.objects.current(purpose, site=site_world.site)
            for purpose in ConsentPurpose.values
        }
        for site_world in world.sites
    }
    conversations, screenings, consents, surveys = [], [], [], []
    backgrounds: list[Background] = []
    for site_world in world.sites:
        manager = site_world.staff[Role.MANAGER]
        for person in _everyone(site_world):
            met = site_world.round.starts_on + dt.timedelta(days=rng.randrange(30))
            conversations.append(
                InitialConversationFactory.build(
                    participant=person,
                    held_on=met,
                    held_by=manager,
                    notes="Første samtale: motivation, hverdag og ønsker.",
                )
            )
            answers = {code: Answer.YES for code, _label in CRITERIA[person.kind]}
            screenings.append(
                ScreeningFactory.build(
                    participant=person,
                    screened_on=met,
                    screened_by=manager,
                    answers=answers,
                    derived_result=ScreeningResult.ELIGIBLE,
                    result=ScreeningResult.ELIGIBLE,
                )
            )
            for purpose in purposes_for(person.kind):
                text = texts_of[site_world.site.pk][purpose]
                consents.append(
                    ConsentFactory.build(
                        participant=person,
                        purpose=purpose,
                        decision=ConsentDecision.GIVEN,
                        text=text,
                        decided_on=met + dt.timedelta(days=7),
                        method=ConsentMethod.WRITTEN,
                        recorded_by=manager,
                    )
                )
            survey, background = _survey(rng, person, manager)
            surveys.append(survey)
            backgrounds.append(background)
    bulk(InitialConversation, conversations)
    bulk(Screening, screenings)
    bulk(Consent, consents)
    bulk(MatchSurvey, surveys)
    bulk(Background, backgrounds)
    for site_world in world.sites:
        ids = {p.pk for p in _everyone(site_world)}
        site_world.surveys = {s.participant_id: s.pk for s in surveys if s.participant_id in ids}
    world.count("screenings", len(screenings))
    world.count("consents", len(consents))
    world.count("match surveys", len(surveys))
    world.count("backgrounds", len(backgrounds))


def _survey(
    rng: random.Random, person: Participant, manager: User
) -> tuple[MatchSurvey, Background]:
    """The person's match survey and the Background its form saves (ADR 0013), drawn in the
    order the survey asks."""
    supporter = person.kind == Kind.SUPPORTER
    background = BackgroundFactory.build(
        participant=person,
        origin=rng.choice(ORIGINS),
        education=rng.choice(EDUCATIONS),
        employment=rng.choice(EMPLOYMENTS[person.kind]),
    )
    survey = MatchSurveyFactory.build(
        participant=person,
        version=1,
        is_current=True,
        filled_by=manager,
        languages=["da"],
        postcode=person.postcode,
        motivation="Jeg vil gerne være en del af et fællesskab.",
        activities=rng.sample(ACTIVITIES, 2),
        years_with_t2d=rng.randrange(1, 25),
        availability=rng.sample(SLOTS, 2),
        capacity=2 if supporter else 1,
        smokes=False,
        has_pets=False,
        max_distance_km=None,
    )
    background.support_work_experience = supporter and rng.random() < 0.3
    survey.smokes = rng.random() < 0.1
    survey.has_pets = rng.random() < 0.2
    survey.max_distance_km = None if supporter else rng.choice([10, 15, 25, None])
    return survey, background


def _seed_training(world: ScaleWorld) -> None:
    """One two-day course per site that every supporter attended."""
    courses = bulk(
        Course,
        [
            CourseFactory.build(
                site=s.site,
                round=s.round,
                name="Makkerkursus",
                trainer="Lene Kragh",
                capacity=len(s.pair_supporters) + len(s.pool_supporters),
                created_by=s.staff[Role.MANAGER],
            )
            for s in world.sites
        ],
    )
    days, invitations, attendance = [], [], []
    for site_world, course in zip(world.sites, courses, strict=True):
        start = site_world.round.starts_on + dt.timedelta(days=45)
        course_days = [
            TrainingDayFactory.build(
                course=course,
                number=number,
                place="Sundhedshuset",
                starts_at=at(start + dt.timedelta(days=7 * (number - 1)), 9),
                ends_at=at(start + dt.timedelta(days=7 * (number - 1)), 15),
            )
            for number in (1, 2)
        ]
        days += course_days
        manager = site_world.staff[Role.MANAGER]
        for person in site_world.pair_supporters + site_world.pool_supporters:
            invitations.append(
                CourseInvitationFactory.build(course=course, participant=person, invited_by=manager)
            )
            for day in course_days:
                attendance.append(
                    TrainingAttendanceFactory.build(
                        day=day,
                        participant=person,
                        attended=True,
                        recorded_by=manager,
                        recorded_at=day.ends_at,
                    )
                )
    bulk(TrainingDay, days)
    bulk(CourseInvitation, invitations)
    bulk(TrainingAttendance, attendance)
    world.count("course attendance", len(attendance))
