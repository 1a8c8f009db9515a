"""The demo shows every part of components 1, 2 and 5."""

import io

import pytest
from django.core.management import call_command

from programme.models import (
    ConsentPurpose,
    Course,
    Dilemma,
    Participant,
    Session,
    SessionKind,
    SuggestedTopic,
)


@pytest.fixture
def frozen_clock(demo_clock):
    """The demo is dated in 2026: seed it at its own date (tests/conftest.py DEMO_NOW)."""
    yield


def test_demo_has_screenings_consents_a_course_and_a_year_of_sessions(db):
    call_command("seed_demo", stdout=io.StringIO())
    copenhagen = Participant.objects.filter(site__slug="copenhagen")
    assert copenhagen.eligible_peers().count() == 12
    assert copenhagen.eligible_supporters().count() == 10
    # As in the study: everyone gave their routine data; two peers declined only their
    # interview; every supporter agreed to be observed.
    assert copenhagen.with_routine_data_consent().count() == 22
    assert copenhagen.with_consent(ConsentPurpose.INTERVIEW).count() == 20
    assert copenhagen.with_consent(ConsentPurpose.OBSERVATION).count() == 10
    assert Course.objects.filter(site__slug="copenhagen").count() == 2
    sessions = Session.objects.filter(site__slug="copenhagen")
    assert sessions.filter(kind=SessionKind.SUPERVISION).count() == 6
    assert sessions.filter(kind=SessionKind.NETWORK).count() == 6
    assert Dilemma.objects.exists()
    assert SuggestedTopic.objects.open().exists()
    aarhus = Participant.objects.filter(site__slug="aarhus", referral_channel="web_page")
    assert aarhus.get().screenings.count() == 0
