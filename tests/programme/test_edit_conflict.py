"""Two managers edit one participant (tod.editconflict): the second save, made from a page
opened before the first was saved, is refused with what the first changed, and keeps what the
second typed. Each manager's form is read from the page as a browser submits it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programme.models import Kind, Participant
from tests.conftest import VerifiedClient, make_participant, make_user
from tests.security.html_forms import post_forms
from tod.accounts.models import Role


@pytest.fixture
def two_managers(manager, site):
    first, second = VerifiedClient(), VerifiedClient()
    first.force_login(manager)
    second.force_login(make_user("manager-2", Role.MANAGER, [site]))
    return first, second


def edit_form(html: str):
    """The page's own form (the others are the menu's: log out, language)."""
    (form,) = [form for form in post_forms(html) if form.action == ""]
    return form


def opened(client, participant) -> dict:
    url = reverse("programme:participant_edit", args=[participant.pk])
    return edit_form(client.get(url).content.decode()).data()


def save(client, participant, data):
    return client.post(reverse("programme:participant_edit", args=[participant.pk]), data)


def test_a_save_over_a_colleagues_newer_save_is_refused_and_shows_their_change(
    two_managers, site, programme_round
):
    participant = make_participant(
        site, Kind.PEER, round=programme_round, first_name="Bent", phone="+4520123456"
    )
    first, second = two_managers
    page_one, page_two = opened(first, participant), opened(second, participant)

    assert save(first, participant, {**page_one, "phone": "+4522334455"}).status_code == 302
    refused = save(second, participant, {**page_two, "postcode": "2100"})

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Nogen anden har gemt denne registrering" in page
    assert "+4522334455" in page  # what the colleague changed, as it is now
    form = edit_form(page)
    assert form.data()["postcode"] == "2100"  # what the second manager typed is kept
    participant.refresh_from_db()
    assert (str(participant.phone), participant.postcode) == ("+4522334455", "2200")


def test_saving_again_after_the_warning_is_a_deliberate_save(two_managers, site, programme_round):
    participant = make_participant(site, Kind.PEER, round=programme_round, first_name="Bent")
    first, second = two_managers
    page_one, page_two = opened(first, participant), opened(second, participant)
    save(first, participant, {**page_one, "address": "Jagtvej 1"})
    refused = save(second, participant, {**page_two, "postcode": "2100"})
    form = edit_form(refused.content.decode())
    assert save(second, participant, {**form.data(), "address": "Jagtvej 1"}).status_code == 302
    participant.refresh_from_db()
    assert (participant.address, participant.postcode) == ("Jagtvej 1", "2100")


def test_the_same_edit_sent_twice_is_already_saved(two_managers, site, programme_round):
    participant = make_participant(site, Kind.PEER, round=programme_round, first_name="Bent")
    first, _second = two_managers
    page = {**opened(first, participant), "postcode": "2100"}
    save(first, participant, page)
    again = save(first, participant, page)
    assert again["Location"] == reverse("programme:participant_detail", args=[participant.pk])
    assert "Allerede gemt" in first.get(again["Location"]).content.decode()
    assert Participant.objects.get(pk=participant.pk).postcode == "2100"


def test_a_post_without_the_version_is_saved_as_before(two_managers, site, programme_round):
    """Scripts and old pages post no version: no check, as before."""
    participant = make_participant(site, Kind.PEER, round=programme_round, first_name="Bent")
    first, _second = two_managers
    page = opened(first, participant)
    del page["version"]
    assert save(first, participant, {**page, "postcode": "2100"}).status_code == 302
