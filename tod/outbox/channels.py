"""Channels a reminder goes out through.

A channel is opened once per sweep, sends one message at a time and raises ChannelError when the
message was not accepted; the sweep marks a row sent only after `send` returned, and commits that
before the next send (docs/adr/0002-outbox-reminders.md). A worker that dies between the
provider's acceptance and that commit sends that one message again on the next sweep, so each
message carries its outbox key as the provider's idempotency reference: a provider that
deduplicates by it drops the second copy.

- EmailChannel: Django's e-mail backend (console in development, SMTP from EMAIL_URL).
- SmsChannel: hands the text to the SMS backend named by OUTBOX_SMS_BACKEND.

SMS backend interface (plug a gateway in by naming a class in OUTBOX_SMS_BACKEND)::

    class MyGateway:
        def send_sms(self, *, to: str, text: str, reference: str) -> str:
            '''Send `text` to the E.164 number `to`. Return the gateway's message id.
            `reference` is the same for every attempt at one message (the outbox row's key):
            pass it as the gateway's idempotency key or client reference where it has one.
            Raise tod.outbox.channels.ChannelError (or any exception) when the gateway did
            not accept it; the reminder is then retried with backoff.'''

`LoggingSmsBackend` is the one used here: it writes the message to the log.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import Reminder

logger = logging.getLogger("tod.outbox")


class SendingChannel(Protocol):
    """What the sweep calls on a channel (EmailChannel, SmsChannel or one named in
    OUTBOX_CHANNEL_CLASSES)."""

    def open(self) -> None: ...
    def close(self) -> None: ...
    def send(self, *, reminder: Reminder, address: str, message: Message) -> None: ...


class ChannelError(Exception):
    """The channel did not accept the message."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


class EmailChannel:
    def __init__(self) -> None:
        self.connection: BaseEmailBackend | None = None

    def open(self) -> None:
        connection = get_connection()
        connection.open()
        self.connection = connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def send(self, *, reminder: Reminder, address: str, message: Message) -> None:
        from_email = getattr(settings, "OUTBOX_FROM_EMAIL", settings.DEFAULT_FROM_EMAIL)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=from_email,
            to=[address],
            connection=self.connection,
            headers={
                "X-ToD-Reminder": reminder.key,
                "Message-ID": message_id(reminder.key, from_email=from_email),
            },
        )
        if email.send() != 1:
            raise ChannelError("the e-mail backend did not accept the message")


def message_id(key: str, *, from_email: str) -> str:
    """The e-mail's Message-ID, the same for every attempt at one outbox row: a resent copy is
    recognisably the same message (mail systems and clients that deduplicate drop it). A hash,
    so the header carries no more than the X-ToD-Reminder key already does, in valid syntax."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = parseaddr(from_email)[1].rpartition("@")[2] or DNS_NAME
    return f"<reminder.{digest}@{domain}>"


class LoggingSmsBackend:
    """Writes each SMS to the log instead of sending it (development and tests)."""

    sent: list[tuple[str, str]] = []  # inspected by tests, like django.core.mail.outbox

    def send_sms(self, *, to: str, text: str, reference: str = "") -> str:
        logger.info("SMS to %s (%s): %s", to, reference, text)
        LoggingSmsBackend.sent.append((to, text))
        return f"log-{len(LoggingSmsBackend.sent)}"


class SmsChannel:
    def __init__(self) -> None:
        self.backend = import_string(
            getattr(settings, "OUTBOX_SMS_BACKEND", "tod.outbox.channels.LoggingSmsBackend")
        )()

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send(self, *, reminder: Reminder, address: str, message: Message) -> None:
        self.backend.send_sms(to=address, text=message.text, reference=reminder.key)


DEFAULT_CHANNEL_CLASSES = {
    "email": "tod.outbox.channels.EmailChannel",
    "sms": "tod.outbox.channels.SmsChannel",
}


def open_channels() -> dict[str, SendingChannel]:
    """One instance of every configured channel (OUTBOX_CHANNEL_CLASSES overrides them)."""
    classes = {**DEFAULT_CHANNEL_CLASSES, **getattr(settings, "OUTBOX_CHANNEL_CLASSES", {})}
    return {name: import_string(path)() for name, path in classes.items()}
