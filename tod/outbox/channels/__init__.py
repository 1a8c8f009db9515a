"""Channels a reminder goes out through.

A channel is opened once per sweep, sends one message at a time and raises ChannelError when the
message was not accepted (MessageRefused when it never will be); the sweep marks a row sent only
after `send` returned, and commits that before the next send (docs/adr/0002-outbox-reminders.md).
`send` returns the provider's message id, stored on the row. A worker that dies between the
provider's acceptance and that commit sends that one message again on the next sweep, so each
message carries its outbox key as the provider's reference: a provider that deduplicates by it
drops the second copy, and its delivery receipt finds the row by it.

- EmailChannel (channels/mail.py): Django's e-mail backend, or an e-mail service via anymail.
- SmsChannel (channels/sms.py): the SMS backend named by OUTBOX_SMS_BACKEND; its interface and
  the gateways shipped are described there.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ChannelError, Message, MessageRefused, SendingChannel
from .mail import EmailChannel, message_id
from .sms import LoggingSmsBackend, SmsChannel

__all__ = [
    "ChannelError",
    "EmailChannel",
    "LoggingSmsBackend",
    "Message",
    "MessageRefused",
    "SendingChannel",
    "SmsChannel",
    "message_id",
    "open_channels",
]

DEFAULT_CHANNEL_CLASSES = {
    "email": "tod.outbox.channels.EmailChannel",
    "sms": "tod.outbox.channels.SmsChannel",
}


def open_channels() -> dict[str, SendingChannel]:
    """One instance of every configured channel (OUTBOX_CHANNEL_CLASSES overrides them)."""
    classes = {**DEFAULT_CHANNEL_CLASSES, **getattr(settings, "OUTBOX_CHANNEL_CLASSES", {})}
    return {name: import_string(path)() for name, path in classes.items()}
