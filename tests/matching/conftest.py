"""Helpers for the matching tests: eligible peers and supporters with match surveys.

Eligibility is programme's (`eligible_peers()` / `eligible_supporters()`): the first person of
each kind goes through programme's services (screening, consent, both course days); the others
copy those rows in bulk, so a pool of a thousand costs a handful of queries to make.
"""

from __future__ import annotations

import pytest

from matching.factories import MatchSurveyFactory
from matching.models import MatchSurvey
from programme.factories import (
    BackgroundFactory,
    ConsentFactory,
    ParticipantFactory,
    ScreeningFactory,
    TrainingAttendanceFactory,
)
from programme.models import (
    BACKGROUND_FIELDS,
    Background,
    Consent,
    Kind,
    Participant,
    Screening,
    TrainingAttendance,
)
from tests.conftest import screen_eligible
from tests.programme.conftest import consent, make_course, train

SURVEY_DEFAULTS = {
    "languages": ["da"],
    "activities": ["walks", "company"],
    "availability": ["weekday_morning"],
}


def _make_eligible(first: Participant, manager, programme_round) -> None:
    screen_eligible(first, manager)
    consent(first, manager)
    if first.kind == Kind.SUPPORTER:
        course = make_course(first.site, programme_round, manager, name=f"Course {first.pk}")
        train(first, course, manager)


def _copy_eligibility(first: Participant, others: list[Participant]) -> None:
    if not others:
        return
    given = Consent.objects.filter(participant=first).first()
    Consent.objects.bulk_create(
        ConsentFactory.build(
            participant=p,
            purpose=given.purpose,
            decision=given.decision,
            text=given.text,
            decided_on=given.decided_on,
            method=given.method,
            recorded_by=given.recorded_by,
        )
        for p in others
    )
    screening = Screening.objects.filter(participant=first).first()
    if screening is not None:
        Screening.objects.bulk_create(
            ScreeningFactory.build(
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
        TrainingAttendanceFactory.build(
            day=a.day, participant=p, attended=a.attended, recorded_by=a.recorded_by
        )
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
        ParticipantFactory.build(
            site=site,
            round=programme_round,
            kind=kind,
            first_name=f"{prefix.title()}{start + i}",
            last_name="Pool",
        )
        for i in range(n)
    )
    people = list(Participant.objects.filter(pk__in=[p.pk for p in people]).order_by("pk"))
    _make_eligible(people[0], manager, programme_round)
    _copy_eligibility(people[0], people[1:])
    if survey:
        # The background's answers go to programme.Background, as the survey's form saves them.
        background = {k: fields.pop(k) for k in list(fields) if k in BACKGROUND_FIELDS}
        values = {"postcode": "", **SURVEY_DEFAULTS, **fields}
        MatchSurvey.objects.bulk_create(
            MatchSurveyFactory.build(participant=p, filled_by=manager, **values) for p in people
        )
        Background.objects.bulk_create(
            BackgroundFactory.build(participant=p, **background) for p in people
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
