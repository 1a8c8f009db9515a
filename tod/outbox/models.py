"""The outbox: every reminder and alert is a row here before it is sent (docs/adr/0002).

A row names what (kind and a context of plain values, never health content), to whom (a user or a
participant), by which channel, when it is due, and a unique key so planning the same reminder
twice creates it once. The sweep (services.outbox_sweep) sends due rows and records the outcome on
the row.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tod.accounts.scoping import SiteScopedQuerySet


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class ReminderKind(models.TextChoices):
    MEETING = "meeting", _("Meeting reminder")
    LOGBOOK = "logbook", _("Logbook reminder")
    # To a supporter without a login: hand the paper logbook to the manager, or call them.
    PAPER_LOGBOOK = "paper_logbook", _("Paper logbook reminder")
    RISK_ALERT = "risk_alert", _("Pair at risk")
    SUPPORT_REQUEST = "support_request", _("Support requested")
    TRAINING = "training", _("Training day")
    SUPERVISION = "supervision", _("Supervision")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    NURSE_VISIT = "nurse_visit", _("Nurse visit due")


class ReminderStatus(models.TextChoices):
    QUEUED = "queued", _("Due")
    RETRY = "retry", _("Awaiting retry")
    SENT = "sent", _("Sent")
    # A provider's receipt moves a sent row on: delivered, or failed with the provider's reason.
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


PENDING = (ReminderStatus.QUEUED, ReminderStatus.RETRY)


class ReminderQuerySet(SiteScopedQuerySet):
    def pending(self) -> Self:
        return self.filter(status__in=PENDING)

    def due(self, now: dt.datetime) -> Self:
        """Rows the sweep should send now (the partial index outbox_due covers this)."""
        return self.filter(status__in=PENDING, due_at__lte=now)


class Reminder(models.Model):
    key = models.CharField(_("key"), max_length=200, unique=True)
    topic = models.CharField(
        _("topic"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("What the reminder is about, e.g. meeting:12; moving it moves its reminders."),
    )
    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    recipient_participant = models.ForeignKey(
        settings.PARTICIPANT_MODEL,
        verbose_name=_("recipient (participant)"),
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    language = models.CharField(_("language"), max_length=8, default="da")
    # The values a message is written from, not the evaluation's "context" (a realist term).
    context = models.JSONField(
        pgettext_lazy("a message's values", "context"), default=dict, blank=True
    )
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What the provider said after accepting the message (tod/outbox/delivery.py).
    provider_message_id = models.CharField(
        _("provider's message id"), max_length=100, blank=True, db_index=True
    )
    provider_status = models.CharField(
        _("provider's status"),
        max_length=30,
        blank=True,
        help_text=_("The last delivery status the provider reported, in its own words."),
    )
    receipt_at = models.DateTimeField(_("receipt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [
            models.Index(
                fields=["due_at", "id"],
                name="outbox_due",
                condition=models.Q(status__in=["queued", "retry"]),
            ),
            models.Index(fields=["site", "status", "due_at"], name="outbox_site_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_user__isnull=False)
                | models.Q(recipient_participant__isnull=False),
                name="outbox_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.key


class ContactPreference(models.Model):
    """How a user wants to be reminded. Without a row: e-mail only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="contact_preference",
    )
    email = models.BooleanField(_("reminders by e-mail"), default=True)
    sms = models.BooleanField(_("reminders by SMS"), default=False)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return str(self.user)

    def allows(self, channel: str) -> bool:
        return bool(getattr(self, channel, False))
