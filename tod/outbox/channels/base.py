"""What every channel shares: the message it sends and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..models import Reminder


class ChannelError(Exception):
    """The channel did not accept the message (this time): the row is retried with backoff."""


class MessageRefused(ChannelError):
    """The message can never go out as it is (a text too long, a number that is no phone
    number, a gateway's "bad request"): the row fails at once with this reason, no retry."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    sender: str = ""  # the SMS sender of the reminder's site; empty: the gateway's default


class SendingChannel(Protocol):
    """What the sweep calls on a channel (EmailChannel, SmsChannel or one named in
    OUTBOX_CHANNEL_CLASSES): `send` returns the provider's message id."""

    def open(self) -> None: ...
    def close(self) -> None: ...
    def send(self, *, reminder: Reminder, address: str, message: Message) -> str: ...
