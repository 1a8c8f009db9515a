"""tod.once: a form posted twice stores once, and nothing a user typed is lost on the way.

Through a real create view (the initial conversation of a participant): the same form twice,
a post without a token, a changed form with the same token, a form refused then corrected, and
(on PostgreSQL) two posts of the same form at the same instant."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from programme.models import InitialConversation, Kind
from tests.conftest import VerifiedClient, make_participant
from tod.once.models import Submission


@pytest.fixture
def peer(site):
    return make_participant(site, Kind.PEER, first_name="Bent")


def url(peer) -> str:
    return reverse("programme:participant_conversation", args=[peer.pk])


def fresh_token(client, peer) -> str:
    page = client.get(url(peer)).content.decode()
    return re.search(r'name="submission_token" value="([0-9a-f-]+)"', page).group(1)


def post(client, peer, token=None, **data):
    values = {"held_on": "2026-05-01", "notes": "We talked about walks.", **data}
    if token is not None:
        values["submission_token"] = token
    return client.post(url(peer), values)


def test_the_same_form_twice_stores_once_and_says_so(client, manager, peer):
    client.force_login(manager)
    token = fresh_token(client, peer)
    first = post(client, peer, token)
    second = post(client, peer, token)
    assert InitialConversation.objects.filter(participant=peer).count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert "Allerede gemt" in client.get(second["Location"]).content.decode()


def test_a_post_without_a_token_is_a_new_submission(client, manager, peer):
    """Old pages, scripts and the form fuzzer post no token: they work as before."""
    client.force_login(manager)
    post(client, peer)
    post(client, peer)
    assert InitialConversation.objects.filter(participant=peer).count() == 2
    assert not Submission.objects.exists()
    post(client, peer, token="not-a-uuid")
    assert InitialConversation.objects.filter(participant=peer).count() == 3


def test_a_changed_form_with_the_same_token_is_saved_too(client, manager, peer):
    """Back, change the text, save again: what was typed is kept, not dropped as a repeat."""
    client.force_login(manager)
    token = fresh_token(client, peer)
    post(client, peer, token)
    post(client, peer, token, notes="We talked about walks and food.")
    notes = set(InitialConversation.objects.values_list("notes", flat=True))
    assert notes == {"We talked about walks.", "We talked about walks and food."}


def test_a_refused_form_corrected_with_the_same_token_is_saved(client, manager, peer):
    client.force_login(manager)
    token = fresh_token(client, peer)
    refused = post(client, peer, token, held_on="2099-01-01")  # in the future: an error
    assert refused.status_code == 200 and not InitialConversation.objects.exists()
    assert not Submission.objects.exists()  # nothing saved, nothing claimed
    assert post(client, peer, token).status_code == 302
    post(client, peer, token)
    assert InitialConversation.objects.count() == 1


def test_another_accounts_token_reveals_nothing(client, manager, peer, site):
    from tests.conftest import make_user
    from tod.accounts.models import Role

    client.force_login(manager)
    token = fresh_token(client, peer)
    post(client, peer, token)
    colleague = VerifiedClient()
    colleague.force_login(make_user("colleague", Role.MANAGER, [site]))
    response = post(colleague, peer, token)
    assert response["Location"] == url(peer)  # the form again, not the first post's target
    assert InitialConversation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_instant_store_once(site, manager):
    """PostgreSQL: the second insert of the claim waits on the unique index until the first
    transaction commits, then finds it taken. (SQLite takes one writer at a time anyway.)"""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL, as in CI)")
    peer = make_participant(site, Kind.PEER, first_name="Bent")
    clients = [VerifiedClient(), VerifiedClient()]
    for c in clients:
        c.force_login(manager)
    token = fresh_token(clients[0], peer)
    start = threading.Barrier(2)
    statuses = []

    def send(c):
        start.wait()
        try:
            statuses.append(post(c, peer, token).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [302, 302]
    assert InitialConversation.objects.filter(participant=peer).count() == 1
    assert Submission.objects.count() == 1
