"""What every channel shares: the message it sends and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass


class ChannelError(Exception):
    """The channel did not accept the message (this time): the row is retried with backoff."""


class MessageRefused(ChannelError):
    """The message can never go out as it is (a text too long, a number that is no phone
    number, a gateway's "bad request"): the row fails at once with this reason, no retry."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
