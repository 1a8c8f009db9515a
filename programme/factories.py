"""factory_boy factories of the programme's records: rounds, participants (peers and supporters),
their screening and consent, training courses and attendance, supervision and network meetings.

Records whose creation has side effects users see (a screening that derives the participant's
status, a consent that follows it) are recorded through `programme.services` by the tests and
the demo; these factories make the rows themselves, for fixtures and bulk inserts (`.build()`).
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tod.accounts.factories import SiteFactory, UserFactory
from tod.accounts.models import Role

from .models import (
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
    Dilemma,
    FollowUpAction,
    InitialConversation,
    Kind,
    Participant,
    ReferralChannel,
    Round,
    Screening,
    ScreeningResult,
    Session,
    SessionInvitation,
    SessionKind,
    Sex,
    SuggestedTopic,
    Theme,
    TopicSource,
    TrainingAttendance,
    TrainingDay,
)


def at(day: dt.date, hour: int) -> dt.datetime:
    """`hour` o'clock on `day` in the project's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class RoundFactory(factory.django.DjangoModelFactory[Round]):
    class Meta:
        model = Round

    site = factory.SubFactory(SiteFactory)
    name = "2026"
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 12, 31)


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    """A peer (`kind=Kind.SUPPORTER` for a supporter), referred by the Centre for Diabetes."""

    class Meta:
        model = Participant

    site = factory.SubFactory(SiteFactory)
    kind = Kind.PEER
    first_name = "Test"
    # Numbered by the participants there are (Person1, Person2, ... in each test, whatever ran
    # before): two people of the same name and date of birth would be flagged as twins.
    last_name = factory.LazyFunction(lambda: f"Person{Participant.objects.count() + 1}")
    date_of_birth = dt.date(1960, 1, 1)
    sex = Sex.FEMALE
    referral_channel = ReferralChannel.CENTRE_FOR_DIABETES
    postcode = "2200"

    class Params:
        supporter = factory.Trait(kind=Kind.SUPPORTER)


class BackgroundFactory(factory.django.DjangoModelFactory[Background]):
    """A participant's background (ADR 0013) in the study's categories; one per participant, so
    asking twice gives the same row."""

    class Meta:
        model = Background
        django_get_or_create = ("participant",)

    participant = factory.SubFactory(ParticipantFactory)
    origin = "danish"
    education = "vocational"
    employment = "retired"


class InitialConversationFactory(factory.django.DjangoModelFactory[InitialConversation]):
    class Meta:
        model = InitialConversation

    participant = factory.SubFactory(ParticipantFactory)
    held_on = dt.date(2026, 1, 5)
    held_by = factory.SubFactory(UserFactory)
    notes = "Første samtale: motivation, hverdag og ønsker."


class ScreeningFactory(factory.django.DjangoModelFactory[Screening]):
    """An eligible screening: every criterion of the participant's kind met."""

    class Meta:
        model = Screening

    participant = factory.SubFactory(ParticipantFactory)
    screened_on = dt.date(2026, 1, 10)
    screened_by = factory.SubFactory(UserFactory)
    answers = factory.LazyAttribute(
        lambda screening: {code: Answer.YES for code, _ in CRITERIA[screening.participant.kind]}
    )
    derived_result = ScreeningResult.ELIGIBLE
    result = ScreeningResult.ELIGIBLE


class ConsentFactory(factory.django.DjangoModelFactory[Consent]):
    """Consent given in writing to the current text of its purpose (the programme's unless told);
    the texts are its site's (each site gets its first versions when it is made)."""

    class Meta:
        model = Consent

    participant = factory.SubFactory(ParticipantFactory)
    purpose = ConsentPurpose.PROGRAMME
    decision = ConsentDecision.GIVEN
    text = factory.LazyAttribute(
        lambda consent: ConsentText.objects.current(consent.purpose, site=consent.participant.site)
    )
    decided_on = dt.date(2026, 1, 11)
    method = ConsentMethod.WRITTEN
    recorded_by = factory.SubFactory(UserFactory)


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course

    site = factory.SubFactory(SiteFactory)
    round = factory.SubFactory(RoundFactory, site=factory.SelfAttribute("..site"))
    name = "Makkerkursus"
    trainer = "Lene Kragh"
    capacity = 12
    created_by = factory.SubFactory(UserFactory)


class TrainingDayFactory(factory.django.DjangoModelFactory[TrainingDay]):
    """A course day from 9 to 15 o'clock."""

    class Meta:
        model = TrainingDay

    course = factory.SubFactory(CourseFactory)
    number = 1
    starts_at = factory.LazyAttribute(lambda day: at(dt.date(2026, 2, 2), 9))
    ends_at = factory.LazyAttribute(lambda day: day.starts_at + dt.timedelta(hours=6))
    place = "Sundhedshuset"


class CourseInvitationFactory(factory.django.DjangoModelFactory[CourseInvitation]):
    class Meta:
        model = CourseInvitation

    course = factory.SubFactory(CourseFactory)
    participant = factory.SubFactory(ParticipantFactory, supporter=True)
    invited_by = factory.SubFactory(UserFactory)


class TrainingAttendanceFactory(factory.django.DjangoModelFactory[TrainingAttendance]):
    class Meta:
        model = TrainingAttendance

    day = factory.SubFactory(TrainingDayFactory)
    participant = factory.SubFactory(ParticipantFactory, supporter=True)
    attended = True
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.SelfAttribute("day.ends_at")


class SessionFactory(factory.django.DjangoModelFactory[Session]):
    """A supervision session from 16 to 18 o'clock (`kind=SessionKind.NETWORK` for a network
    meeting, which has no leader)."""

    class Meta:
        model = Session

    site = factory.SubFactory(SiteFactory)
    round = None
    kind = SessionKind.SUPERVISION
    starts_at = factory.LazyAttribute(lambda session: at(dt.date(2026, 2, 4), 16))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + dt.timedelta(hours=2))
    place = "Sundhedshuset, mødelokale 2"
    leader = factory.Maybe(
        factory.LazyAttribute(lambda session: session.kind == SessionKind.SUPERVISION),
        yes_declaration=factory.SubFactory(UserFactory, role=Role.SUPERVISOR),
        no_declaration=None,
    )
    created_by = factory.SubFactory(UserFactory)


class SessionInvitationFactory(factory.django.DjangoModelFactory[SessionInvitation]):
    class Meta:
        model = SessionInvitation

    session = factory.SubFactory(SessionFactory)
    participant = factory.SubFactory(ParticipantFactory, supporter=True)
    attended = None


class DilemmaFactory(factory.django.DjangoModelFactory[Dilemma]):
    class Meta:
        model = Dilemma

    session = factory.SubFactory(SessionFactory)
    theme = Theme.CONTACT
    text = "Min makker aflyser ofte i sidste øjeblik."
    recorded_by = factory.SubFactory(UserFactory)


class FollowUpActionFactory(factory.django.DjangoModelFactory[FollowUpAction]):
    class Meta:
        model = FollowUpAction

    session = factory.SubFactory(SessionFactory)
    text = "Tag emnet op igen på næste netværksmøde"
    responsible = "Projektleder"
    created_by = factory.SubFactory(UserFactory)


class SuggestedTopicFactory(factory.django.DjangoModelFactory[SuggestedTopic]):
    class Meta:
        model = SuggestedTopic

    site = factory.SubFactory(SiteFactory)
    text = "Hvordan støtter jeg en makker, der ikke vil tale om diabetes?"
    source = TopicSource.SUPPORT_REQUEST
    meeting_number = 4
    suggested_by = factory.SubFactory(UserFactory)
