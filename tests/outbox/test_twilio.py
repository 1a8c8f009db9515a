"""SMS through Twilio, the second gateway behind the same interface: the sweep posts to a real
HTTP server on 127.0.0.1 in Twilio's documented format, its signed status callback moves the row."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programme.models import Kind
from tests.conftest import make_participant
from tests.outbox.providers import ProviderServer, twilio
from tod.outbox.channels.twilio import signature
from tod.outbox.models import Reminder, ReminderStatus
from tod.outbox.services import outbox_plan, outbox_sweep

NOW = timezone.make_aware(dt.datetime(2026, 5, 4, 12, 0))
ACCOUNT, AUTH_TOKEN = "AC" + "1" * 32, "twilio-auth-token-of-this-test"
SITE_URL = "https://tod.example.org"


@pytest.fixture
def gateway(settings):
    with ProviderServer(twilio(ACCOUNT, AUTH_TOKEN)) as server:
        settings.OUTBOX_SMS_BACKEND = "tod.outbox.channels.twilio.TwilioSmsBackend"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT
        settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
        settings.TWILIO_BASE_URL = server.url
        settings.OUTBOX_SMS_SENDER = "+4570707070"
        settings.SITE_URL = SITE_URL
        yield server


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def plan_sms(site, key="meeting:7:sms"):
    peer = make_participant(site, Kind.PEER, phone="+4520202020", first_name="Maria")
    return outbox_plan(
        key=key,
        kind="meeting",
        channel="sms",
        due_at=NOW,
        recipient_participant=peer,
        context={"when": (NOW + dt.timedelta(days=1)).isoformat(), "place": "Æblehaven"},
    )


def post_status(callback: str, params: dict, *, token: str = AUTH_TOKEN, signed: bool = True):
    """Post a status callback to the app as Twilio does, signed over the URL it was given."""
    parts = urlsplit(callback)
    headers = {}
    if signed:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature(callback, list(params.items()), token=token)
    return Client().post(f"{parts.path}?{parts.query}", data=params, **headers)


def status(sid: str, value: str, **more) -> dict:
    return {"MessageSid": sid, "SmsSid": sid, "MessageStatus": value, "AccountSid": ACCOUNT,
            "To": "+4520202020", "From": "+4570707070", **more}  # fmt: skip


def test_a_due_sms_goes_to_twilio_and_its_callback_marks_it_delivered(site, gateway):
    plan_sms(site)
    assert outbox_sweep().sent == 1
    [request] = gateway.requests
    form = request.form()
    assert (form["To"], form["From"]) == ("+4520202020", "+4570707070")
    assert "Æblehaven" in form["Body"]
    callback = form["StatusCallback"]
    assert callback.startswith(f"{SITE_URL}{reverse('webhooks:twilio')}?")
    assert parse_qs(urlsplit(callback).query)["reference"] == ["meeting:7:sms"]
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.SENT and reminder.provider_message_id.startswith("SM")

    sid = reminder.provider_message_id
    assert post_status(callback, status(sid, "sent")).status_code == 200
    assert post_status(callback, status(sid, "delivered")).status_code == 200
    assert post_status(callback, status(sid, "delivered")).status_code == 200  # a repeat
    reminder.refresh_from_db()
    assert (reminder.status, reminder.provider_status) == (ReminderStatus.DELIVERED, "delivered")


def test_a_forged_callback_is_refused_and_changes_nothing(site, gateway):
    plan_sms(site)
    outbox_sweep()
    callback = gateway.requests[0].form()["StatusCallback"]
    sid = Reminder.objects.get().provider_message_id
    assert post_status(callback, status(sid, "delivered"), signed=False).status_code == 403
    forged = post_status(callback, status(sid, "delivered"), token="not-the-auth-token")
    assert forged.status_code == 403
    # a valid signature for another reference does not carry over to this one
    other = callback.replace("meeting%3A7%3Asms", "meeting%3A8%3Asms")
    params = status(sid, "delivered")
    sig = signature(callback, list(params.items()), token=AUTH_TOKEN)
    response = Client().post(
        urlsplit(other).path + "?" + urlsplit(other).query, data=params,
        HTTP_X_TWILIO_SIGNATURE=sig,
    )  # fmt: skip
    assert response.status_code == 403
    assert Reminder.objects.get().status == ReminderStatus.SENT


def test_an_undelivered_sms_fails_with_twilios_error_code(site, gateway):
    plan_sms(site)
    outbox_sweep()
    callback = gateway.requests[0].form()["StatusCallback"]
    sid = Reminder.objects.get().provider_message_id
    post_status(callback, status(sid, "undelivered", ErrorCode="30003"))
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.last_error) == (
        ReminderStatus.FAILED,
        "undelivered: error 30003",
    )


def test_twilios_bad_request_fails_the_row_and_a_server_error_is_retried(site, gateway):
    gateway.then(400, {"code": 21606, "message": "The From phone number is not valid.",
                       "status": 400})  # fmt: skip
    plan_sms(site, "a")
    gateway.then(503, {"code": 20500, "message": "Internal Server Error", "status": 503})
    plan_sms(site, "b")
    result = outbox_sweep()
    assert (result.failed, result.retried) == (1, 1)
    a, b = Reminder.objects.get(key="a"), Reminder.objects.get(key="b")
    assert (
        a.status == ReminderStatus.FAILED and "The From phone number is not valid." in a.last_error
    )
    assert b.status == ReminderStatus.RETRY and "Twilio answered 503" in b.last_error
