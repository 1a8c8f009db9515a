"""Twilio: SMS over its Messages API, receipts by its signed status callback.

Sending: POST {TWILIO_BASE_URL}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json, HTTP
basic auth (account SID, auth token), form fields To, From (OUTBOX_SMS_SENDER: a number or an
alphanumeric sender), Body and StatusCallback; the answer is 201 with the message resource
({"sid": "SM...", "status": "queued", ...}), an error {"code": 21211, "message": ..., "status":
400, "more_info": ...}. Twilio takes no client reference, so the outbox key rides in the status
callback's query string, which Twilio signs with the rest of the URL.

Receipts: Twilio POSTs a form (MessageSid, MessageStatus, ErrorCode, To, ...) to the status
callback at each change, signed in X-Twilio-Signature: base64 of HMAC-SHA1, keyed with the auth
token, over the full URL followed by every POST parameter's name and value, sorted by name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.urls import reverse

from .base import ChannelError, MessageRefused
from .receipts import DELIVERED, FAILED, Receipt

SIGNATURE_HEADER = "X-Twilio-Signature"
OUTCOMES = {"delivered": DELIVERED, "read": DELIVERED, "undelivered": FAILED, "failed": FAILED}


class TwilioSmsBackend:
    def __init__(self) -> None:
        self.account = settings.TWILIO_ACCOUNT_SID
        self.token = settings.TWILIO_AUTH_TOKEN
        self.url = (
            f"{settings.TWILIO_BASE_URL.rstrip('/')}/2010-04-01/Accounts/{self.account}"
            "/Messages.json"
        )
        self.sender = settings.OUTBOX_SMS_SENDER
        self.timeout = settings.OUTBOX_SMS_TIMEOUT
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def send_sms(self, *, to: str, text: str, reference: str, sender: str = "") -> str:
        sender = sender or self.sender  # the site's sender, else the installation's
        data = {
            "To": to,
            "From": sender,
            "Body": text,
            "StatusCallback": status_callback_url(reference),
        }
        try:
            response = self.session.post(
                self.url, data=data, auth=(self.account, self.token), timeout=self.timeout
            )
        except requests.Timeout as exc:
            raise ChannelError(f"Twilio did not answer within {self.timeout} s") from exc
        except requests.RequestException as exc:
            raise ChannelError(f"Twilio could not be reached: {exc}") from exc
        if response.status_code in (200, 201):
            try:
                return str(response.json()["sid"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ChannelError(f"Twilio answered without a sid: {response.text[:200]}") from exc
        try:
            body = response.json()
            detail = f"{body.get('message', '')} (code {body.get('code')})"
        except (ValueError, AttributeError):
            detail = response.text[:200] or response.reason
        error = f"Twilio answered {response.status_code}: {detail}"
        if response.status_code == 400:
            raise MessageRefused(error)
        raise ChannelError(error)


def status_callback_url(reference: str) -> str:
    return (
        f"{settings.SITE_URL.rstrip('/')}{reverse('webhooks:twilio')}?"
        f"{urlencode({'reference': reference})}"
    )


def signature(url: str, params: list[tuple[str, str]], *, token: str) -> str:
    payload = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def is_signed(url: str, params: list[tuple[str, str]], given: str | None, *, token: str) -> bool:
    if not given or not token:
        return False
    return hmac.compare_digest(signature(url, params, token=token), given)


def read_status(params: dict[str, str], *, reference: str) -> Receipt:
    status = params.get("MessageStatus", "").lower()
    code = params.get("ErrorCode", "")
    return Receipt(
        status=status,
        outcome=OUTCOMES.get(status),
        reference=reference,
        provider_id=params.get("MessageSid", ""),
        reason=f"{status}: error {code}" if code else status,
    )
