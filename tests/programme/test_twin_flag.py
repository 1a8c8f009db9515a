"""The possible-duplicate flag of the participant list (Participant.objects.with_duplicate_flag,
an EXISTS of possible_duplicates_of) agrees with the registration form's twin check
(possible_duplicates_of) on every case the form sees."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from programme.models import Participant
from tests.conftest import make_participant

BORN = dt.date(1958, 3, 4)


def flags() -> dict[int, bool]:
    return dict(Participant.objects.with_duplicate_flag().values_list("pk", "has_duplicate"))


def twins_by_form(participant: Participant) -> bool:
    return Participant.objects.possible_duplicates_of(
        site=participant.site,
        first_name=participant.first_name,
        last_name=participant.last_name,
        born=participant.date_of_birth,
        exclude=participant.pk,
    ).exists()


def test_the_flag_marks_exactly_the_twins_the_form_finds(site, other_site):
    hansen = make_participant(site, first_name="Jens", last_name="Hansen", date_of_birth=BORN)
    twin = make_participant(site, first_name="JENS", last_name="hansen", date_of_birth=BORN)
    others = [
        make_participant(site, first_name="Jens", last_name="Hansen-born", date_of_birth=BORN),
        make_participant(site, first_name="Jens", last_name="Olsen", date_of_birth=BORN),
        # The same name with another birthday, and at another site: no twins.
        make_participant(
            site, first_name="Jens", last_name="Olsen", date_of_birth=dt.date(1958, 3, 5)
        ),
        make_participant(other_site, first_name="Jens", last_name="Hansen", date_of_birth=BORN),
    ]
    by_form = {
        participant.pk: twins_by_form(participant) for participant in Participant.objects.all()
    }
    assert flags() == by_form
    assert flags() == {hansen.pk: True, twin.pk: True} | {other.pk: False for other in others}


def test_a_participant_alone_is_not_its_own_twin(site):
    alone = make_participant(site, first_name="Ane", last_name="Lund", date_of_birth=BORN)
    assert flags() == {alone.pk: False}


def test_the_list_shows_the_badge_on_both_twins_only(client, manager, site):
    make_participant(site, first_name="Ida", last_name="Holm", date_of_birth=BORN)
    make_participant(site, first_name="ida", last_name="HOLM", date_of_birth=BORN)
    make_participant(site, first_name="Ida", last_name="Berg", date_of_birth=BORN)
    client.force_login(manager)
    html = client.get(reverse("programme:participant_list")).text
    assert html.count("possible duplicate") + html.count("mulig dublet") == 2
