"""E-mail through an e-mail service with django-anymail (Postmark here): the sweep posts to a
real HTTP server on 127.0.0.1 in Postmark's format, and the service's delivery and bounce
webhooks, posted to the app, move the row to delivered or failed."""

import base64
import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.outbox.providers import ProviderServer, postmark
from tod.outbox.models import Reminder, ReminderStatus
from tod.outbox.services import outbox_plan, outbox_sweep

NOW = timezone.make_aware(dt.datetime(2026, 5, 4, 12, 0))
SERVER_TOKEN, WEBHOOK_SECRET = "postmark-server-token", "tod-hooks:a-long-webhook-password"


@pytest.fixture
def service(settings):
    with ProviderServer(postmark(SERVER_TOKEN)) as server:
        settings.EMAIL_ESP = "postmark"
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            "POSTMARK_SERVER_TOKEN": SERVER_TOKEN,
            "POSTMARK_API_URL": server.url + "/",
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
        }
        yield server


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sent(supporter, service):
    supporter.email = "hanne@example.org"
    supporter.save()
    outbox_plan(
        key="meeting:3:user:email",
        kind="meeting",
        channel="email",
        due_at=NOW,
        recipient_user=supporter,
        context={"when": (NOW + dt.timedelta(days=1)).isoformat(), "place": "Café"},
        site=supporter.sites.first(),
    )
    assert outbox_sweep().sent == 1
    return Reminder.objects.get()


def post_event(event: dict, *, auth: str | None = WEBHOOK_SECRET):
    headers = {}
    if auth:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return Client().post(
        reverse("webhooks:email"), data=event, content_type="application/json", **headers
    )


def delivery(message_id: str, **more) -> dict:
    return {"RecordType": "Delivery", "MessageID": message_id, "Recipient": "hanne@example.org",
            "DeliveredAt": "2026-05-04T12:00:05Z", "Details": "250 OK", "Tag": "",
            "ServerID": 23, "Metadata": {"reminder": "meeting:3:user:email"}, **more}  # fmt: skip


def bounce(message_id: str) -> dict:
    return {"RecordType": "Bounce", "ID": 42, "Type": "HardBounce", "TypeCode": 1,
            "MessageID": message_id, "Email": "hanne@example.org", "BouncedAt":
            "2026-05-04T12:00:07Z", "Description": "The server was unable to deliver your "
            "message (ex: unknown user, mailbox not found).", "Details": "550 5.1.1 no such user",
            "Metadata": {"reminder": "meeting:3:user:email"}, "Inactive": True,
            "CanActivate": True, "Subject": "Reminder"}  # fmt: skip


def test_the_e_mail_goes_to_the_service_with_its_key_and_the_delivery_event_lands(sent, service):
    [request] = service.requests
    body = request.json()
    assert request.path == "/email" and body["To"] == "hanne@example.org"
    assert body["Metadata"] == {"reminder": "meeting:3:user:email"}
    assert sent.provider_message_id.startswith("0a129aee-")
    assert post_event(delivery(sent.provider_message_id)).status_code == 200
    assert post_event(delivery(sent.provider_message_id)).status_code == 200  # a repeat
    sent.refresh_from_db()
    assert (sent.status, sent.provider_status) == (ReminderStatus.DELIVERED, "delivered")


def test_a_bounce_fails_the_row_with_the_services_reason(sent):
    assert post_event(bounce(sent.provider_message_id)).status_code == 200
    sent.refresh_from_db()
    assert sent.status == ReminderStatus.FAILED
    assert "bounced" in sent.last_error and "550 5.1.1 no such user" in sent.last_error


@pytest.mark.parametrize("auth", [None, "tod-hooks:a-guessed-password"])
def test_an_event_without_the_webhook_secret_is_refused(sent, auth):
    assert post_event(delivery(sent.provider_message_id), auth=auth).status_code == 403
    sent.refresh_from_db()
    assert sent.status == ReminderStatus.SENT


def test_no_e_mail_service_configured_refuses_every_event(db, settings):
    settings.EMAIL_ESP = ""
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    assert post_event(delivery("x"), auth=None).status_code == 403
