"""seed_scale fills an empty database with a national programme, and refuses a used one."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from evaluation.models import NurseVisit
from logbooks.models import Logbook, Meeting, Pair
from programme.models import Participant, Session
from tod.accounts.models import Site, User


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", sites=2, pairs=10, pool=3, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_scale_makes_the_programme_and_its_logins():
    output = seed()

    assert Site.objects.count() == 2
    assert Pair.objects.count() == 10
    assert Meeting.objects.count() == 10 * 12
    # one pair in five is active: its latest held meeting still waits for its logbook
    assert Logbook.objects.count() > 8 * 10
    # a pre-visit for every peer (10 paired, 3 in the pool), a post-visit after 8 completed pairs
    assert NurseVisit.objects.count() == 10 + 3 + 8
    # paired peers, the pool's 3 peers and 3 supporters, 3 supporters of pairs per site
    assert Participant.objects.count() == 10 + 3 + 3 + 2 * 3
    assert Session.objects.filter(site__slug="koebenhavn").count() == 12
    manager = User.objects.get(username="koebenhavn-manager")
    assert manager.check_password("together-at-scale")
    assert "koebenhavn-manager" in output


@pytest.mark.django_db(transaction=True)  # --reset truncates: each command commits on its own
def test_seed_scale_refuses_a_database_with_data_unless_reset():
    seed()
    with pytest.raises(CommandError, match="--reset"):
        seed()
    seed(reset=True)
    assert Pair.objects.count() == 10
