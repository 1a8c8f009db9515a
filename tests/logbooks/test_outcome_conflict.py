"""The supporter and the manager record one meeting's outcome from pages opened at the same
time (tod.editconflict): the second is refused with what the first recorded, the same outcome
sent twice is "Already saved"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from logbooks.models import MeetingStatus
from tests.conftest import VerifiedClient
from tests.security.html_forms import post_forms

from .conftest import aware

CANCELLED = {"outcome": "cancelled", "cancelled_by": "peer", "cancel_reason": "peer_health"}


@pytest.fixture
def meeting(started_pair, frozen):
    frozen.move_to(aware(2026, 3, 12, 12))
    return started_pair.meetings.get(sequence=1)


def opened(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="version" value="([^"]+)"', page).group(1)


def as_browser(client, url) -> dict:
    """The outcome form as the page fills it (date, place ...), version included."""
    (form,) = [f for f in post_forms(client.get(url).content.decode()) if f.action == ""]
    return form.data()


def test_an_outcome_over_a_colleagues_newer_outcome_is_refused(supporter, manager, meeting):
    url = reverse("logbooks:meeting_outcome", args=[meeting.pk])
    theirs, mine = VerifiedClient(), VerifiedClient()
    theirs.force_login(supporter)
    mine.force_login(manager)
    their_version, my_version = opened(theirs, url), opened(mine, url)
    theirs.post(url, {**CANCELLED, "note": "flu", "version": their_version})

    response = mine.post(
        url, {"outcome": "held", "held_on": "2026-03-12", "place": "Café", "version": my_version}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nogen anden har gemt" in page and "Aflyst" in page and "flu" in page
    assert 'value="Café"' in page  # the manager's input is kept
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.cancel_note == "flu"


def test_the_same_outcome_sent_twice_is_already_saved(supporter, meeting):
    url = reverse("logbooks:meeting_outcome", args=[meeting.pk])
    client = VerifiedClient()
    client.force_login(supporter)
    data = {**as_browser(client, url), **CANCELLED, "note": "flu"}
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "Allerede gemt" in again.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
