"""Personas shared by every test (healthchecks' alice/bob/charlie, for a peer support programme).

- `site` (Copenhagen) and `other_site` (Aarhus)
- `manager`: project manager of `site`; `other_manager`: of `other_site` only
- `supporter`: a peer supporter with a login, linked to a supporter participant of `site`
- `other_supporter`: another supporter of `site`
- `nurse`, `supervisor`, `evaluator`: staff of `site`
- `outsider`: logged-in account with no role
"""

from __future__ import annotations

import datetime as dt

import pytest

from programme.models import Kind, Participant, ReferralChannel, Round, Sex
from tod.accounts.models import Role, Site
from tod.accounts.services import user_create

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def site(db) -> Site:
    return Site.objects.create(name="Copenhagen", slug="copenhagen")


@pytest.fixture
def other_site(db) -> Site:
    return Site.objects.create(name="Aarhus", slug="aarhus")


@pytest.fixture
def programme_round(site) -> Round:
    return Round.objects.create(
        site=site, name="2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )


def make_user(username: str, role: str, sites, **fields):
    return user_create(username=username, role=role, sites=sites, password=PASSWORD, **fields)


def make_participant(site, kind=Kind.PEER, **fields) -> Participant:
    values = {
        "first_name": "Test",
        "last_name": f"Person{Participant.objects.count() + 1}",
        "date_of_birth": dt.date(1960, 1, 1),
        "sex": Sex.FEMALE,
        "referral_channel": ReferralChannel.CENTRE_FOR_DIABETES,
        "postcode": "2200",
    }
    values.update(fields)
    return Participant.objects.create(site=site, kind=kind, **values)


@pytest.fixture
def manager(site):
    return make_user("manager", Role.MANAGER, [site], first_name="Maria")


@pytest.fixture
def other_manager(other_site):
    return make_user("other-manager", Role.MANAGER, [other_site])


@pytest.fixture
def supporter(site):
    user = make_user("supporter", Role.SUPPORTER, [site], first_name="Hanne")
    make_participant(site, Kind.SUPPORTER, first_name="Hanne", last_name="Larsen", user=user)
    return user


@pytest.fixture
def other_supporter(site):
    user = make_user("other-supporter", Role.SUPPORTER, [site], first_name="Jens")
    make_participant(site, Kind.SUPPORTER, first_name="Jens", last_name="Nielsen", user=user)
    return user


@pytest.fixture
def nurse(site):
    return make_user("nurse", Role.NURSE, [site])


@pytest.fixture
def supervisor(site):
    return make_user("supervisor", Role.SUPERVISOR, [site])


@pytest.fixture
def evaluator(site):
    return make_user("evaluator", Role.EVALUATOR, [site])


@pytest.fixture
def outsider(db):
    return make_user("outsider", "", [])
