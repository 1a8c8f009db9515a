"""Channels a reminder goes out through.

A channel is opened once per sweep batch, sends one message at a time and raises ChannelError
when the message was not accepted; the sweep marks a row sent only after `send` returned.

- EmailChannel: Django's e-mail backend (console in development, SMTP from EMAIL_URL).
- SmsChannel: hands the text to the SMS backend named by OUTBOX_SMS_BACKEND.

SMS backend interface (plug a gateway in by naming a class in OUTBOX_SMS_BACKEND)::

    class MyGateway:
        def send_sms(self, *, to: str, text: str) -> str:
            '''Send `text` to the E.164 number `to`. Return the gateway's message id.
            Raise tod.outbox.channels.ChannelError (or any exception) when the gateway did
            not accept it; the reminder is then retried with backoff.'''

`LoggingSmsBackend` is the one used here: it writes the message to the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger("tod.outbox")


class ChannelError(Exception):
    """The channel did not accept the message."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


class EmailChannel:
    def __init__(self) -> None:
        self.connection = None

    def open(self) -> None:
        self.connection = get_connection()
        self.connection.open()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def send(self, *, reminder, address: str, message: Message) -> None:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=getattr(settings, "OUTBOX_FROM_EMAIL", settings.DEFAULT_FROM_EMAIL),
            to=[address],
            connection=self.connection,
            headers={"X-ToD-Reminder": reminder.key},
        )
        if email.send() != 1:
            raise ChannelError("the e-mail backend did not accept the message")


class LoggingSmsBackend:
    """Writes each SMS to the log instead of sending it (development and tests)."""

    sent: list[tuple[str, str]] = []  # inspected by tests, like django.core.mail.outbox

    def send_sms(self, *, to: str, text: str) -> str:
        logger.info("SMS to %s: %s", to, text)
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

    def send(self, *, reminder, address: str, message: Message) -> None:
        self.backend.send_sms(to=address, text=message.text)


DEFAULT_CHANNEL_CLASSES = {
    "email": "tod.outbox.channels.EmailChannel",
    "sms": "tod.outbox.channels.SmsChannel",
}


def open_channels() -> dict:
    """One instance of every configured channel (OUTBOX_CHANNEL_CLASSES overrides them)."""
    classes = {**DEFAULT_CHANNEL_CLASSES, **getattr(settings, "OUTBOX_CHANNEL_CLASSES", {})}
    return {name: import_string(path)() for name, path in classes.items()}
