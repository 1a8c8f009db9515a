"""Helpers for the matching tests: eligible peers and supporters with match surveys.

Eligibility is programme's (`eligible_peers()` / `eligible_supporters()`): the first person of
each kind goes through programme's services (screening, consent, both course days); the others
copy those rows in bulk, so a pool of a thousand costs a handful of queries to make.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matching.models import MatchSurvey
from programme import services as programme_services
from programme.models import (
    CRITERIA,
    Answer,
    Consent,
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Kind,
    Participant,
    ReferralChannel,
    Screening,
    Sex,
)
from programme.models.training import TrainingAttendance

SURVEY_DEFAULTS = {
    "ethnicity": "danish",
    "education": "short",
    "occupation": "retired",
    "languages": ["da"],
    "activities": ["walks", "company"],
    "availability": ["weekday_morning"],
}


def _make_eligible(first: Participant, manager, programme_round) -> None:
    answers = {code: Answer.YES for code, _label in CRITERIA[first.kind]}
    programme_services.screening_record(
        participant=first, screened_on=dt.date(2026, 1, 10), answers=answers, by=manager
    )
    programme_services.consent_record(
        participant=first,
        purpose=ConsentPurpose.PROGRAMME,
        decision=ConsentDecision.GIVEN,
        decided_on=dt.date(2026, 1, 11),
        method=ConsentMethod.WRITTEN,
        by=manager,
    )
    if first.kind == Kind.SUPPORTER:
        start = timezone.make_aware(dt.datetime(2026, 2, 2, 9, 0))
        course = programme_services.course_create(
            site=first.site,
            round=programme_round,
            name=f"Course {first.pk}",
            trainer="Trainer",
            capacity=12,
            days=[
                (start, start + dt.timedelta(hours=6), "Centre"),
                (start + dt.timedelta(days=7), start + dt.timedelta(days=7, hours=6), "Centre"),
            ],
            by=manager,
        )
        programme_services.course_invite(course=course, participants=[first], by=manager)
        for day in course.days.all():
            programme_services.training_attendance_record(
                day=day, attended={first.pk: True}, by=manager, now=day.starts_at
            )


def _copy_eligibility(first: Participant, others: list[Participant]) -> None:
    if not others:
        return
    consent = Consent.objects.filter(participant=first).first()
    Consent.objects.bulk_create(
        Consent(
            participant=p,
            purpose=consent.purpose,
            decision=consent.decision,
            text=consent.text,
            decided_on=consent.decided_on,
            method=consent.method,
            recorded_by=consent.recorded_by,
        )
        for p in others
    )
    screening = Screening.objects.filter(participant=first).first()
    if screening is not None:
        Screening.objects.bulk_create(
            Screening(
                participant=p,
                screened_on=screening.screened_on,
                screened_by=screening.screened_by,
                answers=screening.answers,
                derived_result=screening.derived_result,
                result=screening.result,
            )
            for p in others
        )
    attendance = list(TrainingAttendance.objects.filter(participant=first))
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(day=a.day, participant=p, attended=a.attended, recorded_by=a.recorded_by)
        for p in others
        for a in attendance
    )


def make_pool_people(
    site, programme_round, manager, kind, n, *, survey=True, prefix=None, **fields
) -> list[Participant]:
    """n eligible participants of `kind`, each with a current match survey (unless survey=False).
    `fields` go to the surveys (SURVEY_DEFAULTS otherwise)."""
    prefix = prefix or kind
    start = Participant.objects.count()
    people = Participant.objects.bulk_create(
        Participant(
            site=site,
            round=programme_round,
            kind=kind,
            first_name=f"{prefix.title()}{start + i}",
            last_name="Pool",
            date_of_birth=dt.date(1960, 1, 1),
            sex=Sex.FEMALE,
            referral_channel=ReferralChannel.CENTRE_FOR_DIABETES,
            postcode="2200",
        )
        for i in range(n)
    )
    people = list(Participant.objects.filter(pk__in=[p.pk for p in people]).order_by("pk"))
    _make_eligible(people[0], manager, programme_round)
    _copy_eligibility(people[0], people[1:])
    if survey:
        values = {**SURVEY_DEFAULTS, **fields}
        MatchSurvey.objects.bulk_create(
            MatchSurvey(participant=p, version=1, is_current=True, filled_by=manager, **values)
            for p in people
        )
    return people


@pytest.fixture
def pool_factory(site, programme_round, manager):
    def make(kind, n=1, **fields):
        return make_pool_people(site, programme_round, manager, kind, n, **fields)

    return make


@pytest.fixture
def peer(pool_factory):
    return pool_factory(Kind.PEER, 1, prefix="Bent")[0]


@pytest.fixture
def pool_supporter(pool_factory):
    return pool_factory(Kind.SUPPORTER, 1, prefix="Lars")[0]
