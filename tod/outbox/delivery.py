"""Delivery receipts: a provider's word on a sent message moves its outbox row on.

    sent ──(DELIVERED)──► delivered
     └───(UNDELIVERABLE, EXPIRED, REJECTED, bounced, ...)──► failed, with the provider's reason

A receipt finds its row by the outbox key the message was sent with (GatewayAPI's userref,
Twilio's callback URL, the e-mail's metadata), or else by the provider's message id. It is
idempotent: the same receipt again changes nothing, and a final state is never left (providers
may send a late "en route" after "delivered"; GatewayAPI says to ignore it). A "delivered" for
a row still awaiting retry means the provider took an attempt whose answer never reached us
(a timeout after acceptance): the row is delivered, and the retry that would send a second copy
is not made. Rows are locked while they change, so a receipt that overtakes the sweep's own
commit waits for it.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from .channels.receipts import DELIVERED, FAILED, Receipt
from .models import PENDING, Reminder, ReminderStatus

logger = logging.getLogger("tod.outbox")

FINAL = (ReminderStatus.DELIVERED, ReminderStatus.FAILED, ReminderStatus.CANCELLED)


@transaction.atomic
def reminder_record_receipt(*, channel: str, receipt: Receipt) -> Reminder | None:
    """Record `receipt` on its row; returns the row, or None when no row of ours is meant."""
    rows = Reminder.objects.select_for_update().filter(channel=channel)
    reminder = None
    if receipt.reference:
        reminder = rows.filter(key=receipt.reference).first()
    if reminder is None and receipt.provider_id:
        reminder = rows.filter(provider_message_id=receipt.provider_id).first()
    if reminder is None:
        logger.info("receipt for no reminder of ours: %s %s", receipt.provider_id, receipt.status)
        return None
    if reminder.status in FINAL:
        return reminder  # a repeat, or a late transient state: nothing changes
    now = timezone.now()
    fields = ["provider_status", "receipt_at", "updated_at"]
    reminder.provider_status = receipt.status[:30]
    reminder.receipt_at = receipt.at or now
    reminder.updated_at = now
    if receipt.provider_id and not reminder.provider_message_id:
        reminder.provider_message_id = receipt.provider_id[:100]
        fields.append("provider_message_id")
    if receipt.outcome == DELIVERED:
        reminder.status = ReminderStatus.DELIVERED
        reminder.last_error = ""
        fields += ["status", "last_error"]
        if reminder.sent_at is None:
            reminder.sent_at = reminder.receipt_at
            fields.append("sent_at")
    elif receipt.outcome == FAILED and reminder.status == ReminderStatus.SENT:
        reminder.status = ReminderStatus.FAILED
        reminder.last_error = receipt.reason[:1000]
        fields += ["status", "last_error"]
    elif reminder.status in PENDING:
        return reminder  # a failed earlier attempt: the retry already planned stands
    reminder.save(update_fields=fields)
    return reminder
