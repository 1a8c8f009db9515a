"""GatewayAPI (gatewayapi.com, Danish): SMS over its REST API, receipts by a signed webhook.

Sending: POST {GATEWAYAPI_BASE_URL}/rest/mtsms with `Authorization: Token <GATEWAYAPI_TOKEN>`
and a JSON body {sender, message, recipients: [{msisdn}], encoding, userref, max_parts}; the
answer is {"ids": [...], "usage": {...}}, an error {"code": "0x0213", "message": "...%1",
"variables": [...], "incident_uuid": ...} with 400 (bad arguments), 401 (bad token), 403
(address not allowed), 422 (bad JSON) or 500. `userref` carries the outbox key; GatewayAPI
returns it in each delivery status notification, and `encoding` is UCS2 when the text holds a
character outside GSM 03.38 (the default, "UTF8", would send it as "?").

Receipts: GatewayAPI POSTs each status change of a message to the webhook configured in its
dashboard; with an authentication token set there, it signs the notification as a JWT (HS256,
that token as the key) in the X-Gwapi-Signature header, whose claims carry the whole
notification (id, msisdn, time, status, error, code, userref). A reply of 2xx ends it; anything
else is tried again later, so an unknown message is answered 200 and forgotten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
import requests
from django.conf import settings

from .base import ChannelError, MessageRefused
from .receipts import DELIVERED, FAILED, Receipt
from .segments import UCS2, sms_length

SIGNATURE_HEADER = "X-Gwapi-Signature"

# Final states (GatewayAPI's "boxes"); the others (UNKNOWN, SCHEDULED, BUFFERED, ENROUTE) are on
# the way. ACCEPTED: the network took the message on the handset's behalf, the last word there is.
OUTCOMES = {
    "DELIVERED": DELIVERED,
    "ACCEPTED": DELIVERED,
    "UNDELIVERABLE": FAILED,
    "EXPIRED": FAILED,
    "REJECTED": FAILED,
    "DELETED": FAILED,
    "SKIPPED": FAILED,
}


class GatewayApiSmsBackend:
    def __init__(self) -> None:
        self.token = settings.GATEWAYAPI_TOKEN
        self.url = settings.GATEWAYAPI_BASE_URL.rstrip("/") + "/rest/mtsms"
        self.sender = settings.OUTBOX_SMS_SENDER
        self.timeout = settings.OUTBOX_SMS_TIMEOUT
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def send_sms(self, *, to: str, text: str, reference: str, sender: str = "") -> str:
        sender = sender or self.sender  # the site's sender, else the installation's
        body: dict[str, Any] = {
            "message": text,
            "recipients": [{"msisdn": int(to.lstrip("+"))}],
            "userref": reference,
            "encoding": "UCS2" if sms_length(text).encoding == UCS2 else "UTF8",
            # GatewayAPI's own cap: never more parts than the outbox allows.
            "max_parts": settings.OUTBOX_SMS_MAX_SEGMENTS,
        }
        if sender:
            body["sender"] = sender
        try:
            response = self.session.post(
                self.url,
                json=body,
                headers={"Authorization": f"Token {self.token}", "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise ChannelError(f"GatewayAPI did not answer within {self.timeout} s") from exc
        except requests.RequestException as exc:
            raise ChannelError(f"GatewayAPI could not be reached: {exc}") from exc
        if response.status_code == 200:
            try:
                return str(response.json()["ids"][0])
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise ChannelError(
                    f"GatewayAPI answered 200 without ids: {response.text[:200]}"
                ) from exc
        error = f"GatewayAPI answered {response.status_code}: {describe_error(response)}"
        if response.status_code in (400, 422):
            raise MessageRefused(error)  # the same request would be refused again
        raise ChannelError(error)  # 401/403 (credentials, allowed addresses), 5xx: try again


def describe_error(response: requests.Response) -> str:
    """GatewayAPI's error body as one line: its message with %1... filled in, and its code."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason
    if not isinstance(body, dict):
        return str(body)[:200]
    message = str(body.get("message", ""))
    for number, value in enumerate(body.get("variables") or [], start=1):
        message = message.replace(f"%{number}", str(value))
    code = body.get("code")
    return f"{message} ({code})" if code else message or response.text[:200]


class InvalidSignature(Exception):
    """The notification is not signed with our secret (or not signed at all)."""


def read_notification(token: str | None, *, secret: str) -> Receipt:
    """Verify the JWT of the X-Gwapi-Signature header and read the notification it carries."""
    if not token or not secret:
        raise InvalidSignature("unsigned, or no GATEWAYAPI_WEBHOOK_SECRET to check it with")
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        raise InvalidSignature(str(exc)) from exc
    status = str(claims.get("status") or "").upper()
    reason = " ".join(
        str(part) for part in (claims.get("error"), claims.get("code")) if part not in (None, "")
    )
    at = None
    if isinstance(claims.get("time"), int | float):
        at = dt.datetime.fromtimestamp(claims["time"], tz=dt.UTC)
    return Receipt(
        status=status,
        outcome=OUTCOMES.get(status),
        reference=str(claims.get("userref") or ""),
        provider_id=str(claims.get("id") or ""),
        reason=f"{status}: {reason}" if reason else status,
        at=at,
    )
