"""Helpers for the programme tests: a participant who is screened, consented and trained."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from programme import services
from programme.factories import CourseFactory, TrainingDayFactory
from programme.models import (
    CRITERIA,
    Answer,
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Kind,
    ScreeningResult,
)
from tests.conftest import make_participant


def screen(participant, by, answer=Answer.YES, **overrides):
    answers = {code: answer for code, _label in CRITERIA[participant.kind]}
    return services.screening_record(
        participant=participant,
        screened_on=dt.date(2026, 1, 10),
        answers=answers,
        by=by,
        **overrides,
    )


def consent(participant, by, purpose=ConsentPurpose.PROGRAMME, decision=ConsentDecision.GIVEN):
    """Record an answer; programme consent follows an eligible screening, as the manager works
    (screened here first when the latest screening is not eligible)."""
    if (
        purpose == ConsentPurpose.PROGRAMME
        and decision == ConsentDecision.GIVEN
        and services.latest_screening_result(participant) != ScreeningResult.ELIGIBLE
    ):
        screen(participant, by)
    return services.consent_record(
        participant=participant,
        purpose=purpose,
        decision=decision,
        decided_on=dt.date(2026, 1, 11),
        method=ConsentMethod.WRITTEN,
        by=by,
    )


def make_course(site, programme_round, by, start=None, name="Course"):
    """A course of two six-hour days a week apart (from Monday 2 February 2026, 9:00)."""
    start = start or timezone.make_aware(dt.datetime(2026, 2, 2, 9, 0))
    course = CourseFactory.create(
        site=site, round=programme_round, name=name, trainer="Trainer", created_by=by
    )
    for number, place in ((1, "Centre for Diabetes"), (2, "Centre")):
        TrainingDayFactory.create(
            course=course,
            number=number,
            starts_at=start + dt.timedelta(days=7 * (number - 1)),
            place=place,
        )
    return course


def train(participant, course, by, days=(1, 2)):
    services.course_invite(course=course, participants=[participant], by=by)
    for day in course.days.all():
        services.training_attendance_record(
            day=day,
            attended={participant.pk: day.number in days},
            by=by,
            now=day.starts_at + dt.timedelta(hours=1),
        )


@pytest.fixture
def ready_supporter(site, programme_round, manager):
    """A supporter who is screened, has given programme consent and attended both days."""
    participant = make_participant(
        site, Kind.SUPPORTER, first_name="Ready", last_name="Supporter", round=programme_round
    )
    screen(participant, manager)
    consent(participant, manager)
    train(participant, make_course(site, programme_round, manager), manager)
    return participant


@pytest.fixture
def ready_peer(site, programme_round, manager):
    participant = make_participant(
        site, Kind.PEER, first_name="Ready", last_name="Peer", round=programme_round
    )
    screen(participant, manager)
    consent(participant, manager)
    return participant


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords are hashed with PBKDF2; these tests never log in by password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    """Every programme test runs on 1 June 2026, 12:00 in Copenhagen."""
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield
