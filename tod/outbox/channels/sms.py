"""The SMS channel: checks the number and the length, then hands the text to a gateway.

SMS backend interface (plug a gateway in by naming its class in OUTBOX_SMS_BACKEND)::

    class MyGateway:
        def send_sms(self, *, to: str, text: str, reference: str, sender: str = "") -> str:
            '''Send `text` to the E.164 number `to`, from `sender` (the reminder's site's
            sender name or number; empty: the account's default). Return the gateway's id.
            `reference` is the same for every attempt at one message (the outbox row's key):
            pass it as the gateway's idempotency key or client reference where it has one, so
            its delivery receipt finds the row again (tod/outbox/webhooks.py).
            Raise ChannelError (or any exception) when the gateway did not accept it this time:
            the reminder is retried with backoff. Raise MessageRefused when it never will.'''

        def close(self) -> None:  # optional: release connections after a sweep

Two gateways are shipped: GatewayAPI (channels/gatewayapi.py) and Twilio (channels/twilio.py).
`LoggingSmsBackend` writes each SMS to the log instead (development and tests only: a system
check refuses it in production unless OUTBOX_SMS_BACKEND names it on purpose).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

import phonenumbers
from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from ..models import Reminder

from .base import Message, MessageRefused
from .segments import sms_length

logger = logging.getLogger("tod.outbox")

LOGGING_BACKEND = "tod.outbox.channels.LoggingSmsBackend"


class SmsBackend(Protocol):
    def send_sms(self, *, to: str, text: str, reference: str, sender: str = "") -> str: ...


class LoggingSmsBackend:
    """Writes each SMS to the log instead of sending it (development and tests).

    Tests read what it sent from the log (pytest's caplog); it keeps nothing itself, so a
    long-running worker that was left on it by mistake does not grow."""

    def send_sms(self, *, to: str, text: str, reference: str = "", sender: str = "") -> str:
        logger.info("SMS to %s (%s): %s", to, reference, text)
        return f"log-{reference}"


def e164(number: str, *, region: str | None = None) -> str:
    """`number` as E.164 (+4520202020); a national number is read in the default region (DK).
    Raises MessageRefused for anything that is not a valid phone number."""
    region = region or getattr(settings, "PHONENUMBER_DEFAULT_REGION", None) or "DK"
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        raise MessageRefused(f"not a phone number: {number!r}") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise MessageRefused(f"not a valid phone number: {number!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def check_length(text: str) -> None:
    """Refuse a text longer than OUTBOX_SMS_MAX_SEGMENTS SMS (each part is paid for)."""
    length = sms_length(text)
    maximum = getattr(settings, "OUTBOX_SMS_MAX_SEGMENTS", 3)
    if length.segments > maximum:
        raise MessageRefused(
            f"the text needs {length.segments} SMS ({length.units} {length.encoding} "
            f"characters), more than OUTBOX_SMS_MAX_SEGMENTS={maximum}"
        )


class SmsChannel:
    def __init__(self) -> None:
        self.backend: SmsBackend = import_string(
            getattr(settings, "OUTBOX_SMS_BACKEND", LOGGING_BACKEND)
        )()

    def open(self) -> None:
        return None

    def close(self) -> None:
        close = getattr(self.backend, "close", None)
        if close is not None:
            close()

    def send(self, *, reminder: Reminder, address: str, message: Message) -> str:
        """Send one SMS; return the gateway's message id."""
        to = e164(address)
        check_length(message.text)
        return str(
            self.backend.send_sms(
                to=to, text=message.text, reference=reminder.key, sender=message.sender
            )
        )
