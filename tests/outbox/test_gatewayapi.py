"""SMS through GatewayAPI, end to end: the sweep posts to a real HTTP server on 127.0.0.1 that
speaks GatewayAPI's documented format, and its signed receipt, posted to the app, moves the row."""

import datetime as dt
import time

import jwt
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override as translation_override

from programme.models import Kind
from tests.conftest import make_participant
from tests.outbox.providers import ProviderServer, gatewayapi, gwapi_error
from tod.outbox.models import Reminder, ReminderStatus
from tod.outbox.services import outbox_plan, outbox_sweep

NOW = timezone.make_aware(dt.datetime(2026, 5, 4, 12, 0))
TOKEN = "gw-token-of-this-test"
SECRET = "the-webhook-secret-of-this-test-0123456789"
BACKEND = "tod.outbox.channels.gatewayapi.GatewayApiSmsBackend"


@pytest.fixture
def gateway(settings):
    with ProviderServer(gatewayapi(TOKEN)) as server:
        settings.OUTBOX_SMS_BACKEND = BACKEND
        settings.GATEWAYAPI_TOKEN = TOKEN
        settings.GATEWAYAPI_BASE_URL = server.url
        settings.GATEWAYAPI_WEBHOOK_SECRET = SECRET
        settings.OUTBOX_SMS_SENDER = "Paamindelse"
        settings.OUTBOX_SMS_TIMEOUT = 0.5
        yield server


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def plan_sms(site, key="meeting:1:sms", phone="20 20 20 20", place="Café"):
    peer = make_participant(site, Kind.PEER, phone=phone, first_name="Maria")
    return outbox_plan(
        key=key,
        kind="meeting",
        channel="sms",
        due_at=NOW,
        recipient_participant=peer,
        context={"when": (NOW + dt.timedelta(days=1)).isoformat(), "place": place},
    )


def receipt(status="DELIVERED", *, secret=SECRET, **claims):
    values = {"id": 1001, "msisdn": 4520202020, "time": 1777896000, "status": status}
    values |= {"userref": "meeting:1:sms", "error": None, "code": None, **claims}
    return jwt.encode(values, secret, algorithm="HS256")


def post_receipt(token: str | None):
    headers = {"HTTP_X_GWAPI_SIGNATURE": token} if token else {}
    return Client().post(
        reverse("webhooks:gatewayapi"), data="{}", content_type="application/json", **headers
    )


def test_a_due_sms_goes_to_gatewayapi_and_its_receipt_marks_it_delivered(site, gateway, clock):
    plan_sms(site)
    assert outbox_sweep().sent == 1
    [request] = gateway.requests
    assert request.path == "/rest/mtsms"
    assert request.headers["Authorization"] == f"Token {TOKEN}"
    body = request.json()
    assert body["recipients"] == [{"msisdn": 4520202020}]  # the national number, as E.164
    assert body["userref"] == "meeting:1:sms"  # the outbox key, returned in the receipt
    assert body["sender"] == "Paamindelse"
    assert body["encoding"] == "UTF8"  # GSM 03.38: "é" of Café is in it
    assert body["message"].startswith("Hej Maria") and "Café" in body["message"]
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.provider_message_id == "1001"

    assert post_receipt(receipt("ENROUTE")).status_code == 200
    reminder.refresh_from_db()
    assert (reminder.status, reminder.provider_status) == (ReminderStatus.SENT, "ENROUTE")

    assert post_receipt(receipt("DELIVERED")).status_code == 200
    reminder.refresh_from_db()
    assert (reminder.status, reminder.provider_status) == (ReminderStatus.DELIVERED, "DELIVERED")
    assert reminder.receipt_at == dt.datetime.fromtimestamp(1777896000, tz=dt.UTC)

    # The same receipt again, and a late transient state: nothing changes.
    assert post_receipt(receipt("DELIVERED")).status_code == 200
    assert post_receipt(receipt("ENROUTE")).status_code == 200
    reminder.refresh_from_db()
    assert (reminder.status, reminder.provider_status) == (ReminderStatus.DELIVERED, "DELIVERED")


@pytest.mark.parametrize(
    "token",
    [
        None,  # unsigned
        "not-a-jwt",
        receipt("DELIVERED", secret="somebody-elses-secret-0123456789-abcdefgh"),
        jwt.encode({"id": 1001, "status": "DELIVERED", "userref": "meeting:1:sms"}, None, "none"),
    ],
    ids=["unsigned", "garbage", "wrong-secret", "alg-none"],
)
def test_a_forged_receipt_is_refused_and_changes_nothing(site, gateway, clock, token):
    plan_sms(site)
    outbox_sweep()
    assert post_receipt(token).status_code == 403
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.provider_status) == (ReminderStatus.SENT, "")


def test_without_a_webhook_secret_every_receipt_is_refused(site, gateway, clock, settings):
    settings.GATEWAYAPI_WEBHOOK_SECRET = ""
    assert post_receipt(receipt("DELIVERED")).status_code == 403


def test_an_undeliverable_sms_fails_with_the_providers_reason(site, gateway, clock):
    plan_sms(site)
    outbox_sweep()
    token = receipt("UNDELIVERABLE", error="Invalid MSISDN", code="0x0301")
    assert post_receipt(token).status_code == 200
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.last_error == "UNDELIVERABLE: Invalid MSISDN 0x0301"
    # a failed row is final: a later "delivered" does not revive it
    post_receipt(receipt("DELIVERED"))
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED


def test_a_receipt_for_no_message_of_ours_is_accepted_and_ignored(site, gateway, clock):
    token = receipt("DELIVERED", id=999, userref="not-ours")
    assert post_receipt(token).status_code == 200  # a 4xx would make GatewayAPI try again
    assert not Reminder.objects.exists()


def test_a_receipt_without_userref_finds_the_row_by_the_message_id(site, gateway, clock):
    plan_sms(site)
    outbox_sweep()
    assert post_receipt(receipt("EXPIRED", userref=None)).status_code == 200
    assert Reminder.objects.get().status == ReminderStatus.FAILED


def test_a_text_outside_gsm_is_sent_as_ucs2(site, gateway, clock):
    plan_sms(site, place="Café ☕")
    assert outbox_sweep().sent == 1
    assert gateway.requests[0].json()["encoding"] == "UCS2"


def test_a_text_longer_than_the_maximum_is_refused_on_the_row(site, gateway, clock, settings):
    settings.OUTBOX_SMS_MAX_SEGMENTS = 2
    plan_sms(site, place="Café " + "lang vej " * 40)
    result = outbox_sweep()
    assert (result.failed, result.retried) == (1, 0)  # no retry: it would be refused again
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED
    assert (
        "needs 3 SMS" in reminder.last_error and "OUTBOX_SMS_MAX_SEGMENTS=2" in reminder.last_error
    )
    assert gateway.requests == []


def test_a_number_that_is_no_phone_number_is_refused_on_the_row(site, gateway, clock):
    plan_sms(site, phone="+45 123")
    assert outbox_sweep().failed == 1
    assert "not a valid phone number" in Reminder.objects.get().last_error
    assert gateway.requests == []


def test_a_bad_request_fails_the_row_with_gatewayapis_message(site, gateway, clock):
    gateway.then(400, gwapi_error("Invalid sender: %1", "0x0203", "Paamindelse"))
    plan_sms(site)
    result = outbox_sweep()
    assert (result.failed, result.retried) == (1, 0)
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED
    assert "GatewayAPI answered 400: Invalid sender: Paamindelse (0x0203)" in reminder.last_error


def test_a_wrong_token_is_retried_with_the_reason(site, gateway, clock, settings):
    settings.GATEWAYAPI_TOKEN = "a-revoked-token"
    plan_sms(site)
    assert outbox_sweep().retried == 1
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.RETRY
    assert "GatewayAPI answered 401: Invalid API token (0x0204)" in reminder.last_error


def test_a_server_error_is_retried_and_the_retry_is_sent(site, gateway, clock):
    gateway.then(500, gwapi_error("Internal error", "0x0001"))
    plan_sms(site)
    assert outbox_sweep().retried == 1
    assert "GatewayAPI answered 500" in Reminder.objects.get().last_error
    clock.move_to(NOW + dt.timedelta(minutes=1))
    assert outbox_sweep().sent == 1
    requests = gateway.requests
    assert len(requests) == 2 and requests[0].json()["userref"] == requests[1].json()["userref"]


def test_a_gateway_that_does_not_answer_in_time_leaves_the_row_to_retry(site, gateway, clock):
    gateway.then(200, {"ids": [1]}, delay=2.0)  # longer than OUTBOX_SMS_TIMEOUT (0.5 s)
    plan_sms(site)
    started = time.monotonic()
    assert outbox_sweep().retried == 1
    assert time.monotonic() - started < 1.5
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.RETRY
    assert "did not answer within 0.5 s" in reminder.last_error


def test_a_delivered_receipt_for_an_attempt_that_timed_out_stops_the_retry(site, gateway, clock):
    """GatewayAPI took the message but its answer came too late: the receipt finds the row by
    its key and marks it delivered, so no second copy goes out."""
    gateway.then(200, {"ids": [1001]}, delay=2.0)
    plan_sms(site)
    outbox_sweep()
    assert post_receipt(receipt("DELIVERED")).status_code == 200
    clock.move_to(NOW + dt.timedelta(minutes=5))
    assert outbox_sweep().sent == 0
    assert Reminder.objects.get().status == ReminderStatus.DELIVERED


def test_the_managers_outbox_page_shows_delivery_and_the_providers_reason(
    site, gateway, clock, client, manager
):
    plan_sms(site, key="meeting:1:sms")
    plan_sms(site, key="meeting:2:sms")
    plan_sms(site, key="meeting:3:sms")
    outbox_sweep()
    post_receipt(receipt("DELIVERED", id=1001, userref="meeting:1:sms"))
    post_receipt(receipt("REJECTED", id=1002, userref="meeting:2:sms", error="Blocked by network"))
    client.force_login(manager)
    with translation_override("en"):
        page = client.get(reverse("outbox:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Delivered" in page and "DELIVERED, " in page
    assert "REJECTED: Blocked by network" in page
    assert "awaiting the provider's receipt" in page  # the third, sent without a receipt yet
    delivered = client.get(reverse("outbox:list"), {"status": "delivered"}).content.decode()
    assert "DELIVERED, " in delivered and "REJECTED" not in delivered
