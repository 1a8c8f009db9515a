"""A trained supporter's login, given from the participant's page: by SMS through a real
GatewayAPI-speaking server on 127.0.0.1, or by e-mail; refused for who may not have one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programme.models import Kind, Participant
from tests.accounts.invitations import token_in, trained_supporter
from tests.conftest import make_participant
from tests.outbox.providers import ProviderServer, gatewayapi
from tod.accounts.models import Invitation, Role, User

NOW = timezone.make_aware(dt.datetime(2026, 5, 4, 10, 0))
TOKEN = "gw-token-of-the-invitation-test"
PASSWORD = "kaffe-i-faelledparken-42"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def gateway(settings):
    with ProviderServer(gatewayapi(TOKEN)) as server:
        settings.OUTBOX_SMS_BACKEND = "tod.outbox.channels.gatewayapi.GatewayApiSmsBackend"
        settings.GATEWAYAPI_TOKEN = TOKEN
        settings.GATEWAYAPI_BASE_URL = server.url
        settings.OUTBOX_SMS_SENDER = "Login"
        settings.OUTBOX_SMS_TIMEOUT = 0.5
        yield server


def give(client, participant, channel):
    url = reverse("programme:participant_give_login", args=[participant.pk])
    return client.post(url, {"channel": channel})


def test_an_sms_invitation_leaves_through_the_gateway_and_its_link_sets_the_password(
    client, manager, site, programme_round, gateway, clock
):
    soeren = trained_supporter(site, programme_round, manager, phone="+4520304050", email="")
    client.force_login(manager)
    detail = client.get(soeren.get_absolute_url()).text
    assert reverse("programme:participant_give_login", args=[soeren.pk]) in detail
    response = give(client, soeren, "sms")
    assert response["Location"] == soeren.get_absolute_url()
    [request] = gateway.requests
    body = request.json()
    assert body["recipients"] == [{"msisdn": 4520304050}]
    assert "soeren" in body["message"]  # the username, from the first name in plain letters
    soeren.refresh_from_db()
    user = soeren.user
    assert (user.username, user.role, list(user.sites.all())) == ("soeren", Role.SUPPORTER, [site])
    invitation = Invitation.objects.get(user=user)
    assert invitation.sent_at == NOW and invitation.address == "+4520304050"

    token = token_in(body["message"])
    browser = Client()
    url = reverse("accounts:invitation_accept", args=[token])
    response = browser.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("home")
    assert browser.get(reverse("programme:supporter_home")).status_code == 200
    page = client.get(soeren.get_absolute_url()).text
    assert "soeren" in page and "Giv et login" not in page and "Give a login" not in page


def test_a_gateway_that_fails_tells_the_manager_and_a_resend_gets_through(
    client, manager, site, programme_round, gateway, clock
):
    soeren = trained_supporter(site, programme_round, manager, phone="+4520304050", email="")
    gateway.then(500, {"message": "down"})
    gateway.then(500, {"message": "down"})
    gateway.then(500, {"message": "down"})
    client.force_login(manager)
    give(client, soeren, "sms")
    invitation = Invitation.objects.get()
    assert invitation.sent_at is None and invitation.send_error
    page = client.get(reverse("accounts:site_accounts", args=[site.pk])).text
    assert invitation.send_error[:20] in page
    gateway.scripted.clear()
    client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    newest = Invitation.objects.order_by("-id").first()
    assert newest.pk != invitation.pk and newest.sent_at == NOW
    invitation.refresh_from_db()
    assert invitation.revoked_at == NOW  # the old link is dead


def test_by_email_with_the_record_s_address_and_language(
    client, manager, site, programme_round, mailoutbox, clock
):
    soeren = trained_supporter(site, programme_round, manager, preferred_language="en")
    client.force_login(manager)
    give(client, soeren, "email")
    (mail,) = mailoutbox
    assert mail.to == ["soeren@example.org"]
    assert "Your username is soeren" in mail.body
    assert User.objects.get(username="soeren").language == "en"


def test_only_a_trained_supporter_without_a_login_gets_one(
    client, manager, supporter, site, programme_round, mailoutbox, clock
):
    client.force_login(manager)
    peer = make_participant(site, Kind.PEER, email="peer@example.org")
    untrained = make_participant(site, Kind.SUPPORTER, email="new@example.org")
    hanne = supporter.participant
    for participant in (peer, untrained, hanne):
        response = give(client, participant, "email")
        assert response.status_code == 200
    assert mailoutbox == []
    assert User.objects.count() == 2  # the manager and Hanne


def test_a_repeated_post_gives_one_login(client, manager, site, programme_round, mailoutbox):
    soeren = trained_supporter(site, programme_round, manager)
    client.force_login(manager)
    give(client, soeren, "email")
    give(client, soeren, "email")
    assert User.objects.filter(role=Role.SUPPORTER).count() == 1
    assert len(mailoutbox) == 1


def test_another_site_s_manager_gets_404(
    client, other_manager, manager, site, programme_round, mailoutbox
):
    soeren = trained_supporter(site, programme_round, manager)
    client.force_login(other_manager)
    assert give(client, soeren, "email").status_code == 404
    url = reverse("programme:participant_give_login", args=[soeren.pk])
    assert client.get(url).status_code == 404
    assert Participant.objects.get(pk=soeren.pk).user is None and mailoutbox == []


def test_erasing_the_supporter_erases_the_invitation_s_address_and_its_trail(
    client, manager, site, programme_round, mailoutbox, clock
):
    from tod.audit.models import AuditEvent
    from tod.privacy.erasure import participant_erase

    soeren = trained_supporter(site, programme_round, manager)
    client.force_login(manager)
    give(client, soeren, "email")
    soeren.refresh_from_db()
    invitation = Invitation.objects.get()
    participant_erase(participant=soeren, by=manager)
    invitation.refresh_from_db()
    assert invitation.address == ""
    trail = AuditEvent.objects.filter(table_name__in=["accounts_invitation", "accounts_user"])
    assert trail.exists()
    for event in trail:
        text = str(event.old) + str(event.new)
        assert "soeren@example.org" not in text and "Søren" not in text, event
