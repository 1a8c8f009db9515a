"""E-mail through Django's e-mail backend: SMTP or console from EMAIL_URL, or an e-mail service
through django-anymail (EMAIL_ESP), whose delivery and bounce webhooks come back to the row
(tod/outbox/webhooks.py)."""

from __future__ import annotations

import hashlib
from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME

if TYPE_CHECKING:
    from ..models import Reminder

from .base import ChannelError, Message


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

    def send(self, *, reminder: Reminder, address: str, message: Message) -> str:
        """Send one e-mail; return the e-mail service's message id ("" with SMTP)."""
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
        # Anymail hands metadata to the e-mail service, which returns it with every delivery or
        # bounce event: the receipt finds its row by the key. Other backends ignore it.
        email.metadata = {"reminder": reminder.key}  # type: ignore[attr-defined]
        if email.send() != 1:
            raise ChannelError("the e-mail backend did not accept the message")
        status = getattr(email, "anymail_status", None)
        return str(status.message_id or "") if status is not None else ""


def message_id(key: str, *, from_email: str) -> str:
    """The e-mail's Message-ID, the same for every attempt at one outbox row: a resent copy is
    recognisably the same message (mail systems and clients that deduplicate drop it). A hash,
    so the header carries no more than the X-ToD-Reminder key already does, in valid syntax."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = parseaddr(from_email)[1].rpartition("@")[2] or DNS_NAME
    return f"<reminder.{digest}@{domain}>"
