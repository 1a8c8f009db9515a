"""The audit trail: every change to personal or health data, and every read of a health record.

Changes are written by database triggers, not by Django signals, so QuerySet.update(),
bulk_create() and raw SQL are recorded like any save(). Both tables are append-only for the
application (a trigger refuses UPDATE and DELETE on PostgreSQL). See docs/adr/0003-audit-trail.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Action(models.TextChoices):
    INSERT = "I", _("Created")
    UPDATE = "U", _("Changed")
    DELETE = "D", _("Deleted")


class AuditEvent(models.Model):
    """One row changed: which table and row, who (the logged-in user, or none for the system),
    when, and the row before and after."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("who"), null=True, blank=True, db_index=True)
    table_name = models.CharField(_("table"), max_length=100)
    row_id = models.CharField(_("row"), max_length=64)
    action = models.CharField(
        pgettext_lazy("what a change did", "action"), max_length=1, choices=Action.choices
    )
    old = models.JSONField(_("before"), null=True, blank=True)
    new = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["table_name", "row_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.table_name}#{self.row_id}"

    def changed_fields(self) -> dict[str, tuple]:
        """{column: (before, after)} for the columns this event changed."""
        old, new = self.old or {}, self.new or {}
        return {
            key: (old.get(key), new.get(key))
            for key in sorted(set(old) | set(new))
            if old.get(key) != new.get(key)
        }


class AccessEvent(models.Model):
    """Someone read a participant's health record (never the values read)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    participant = models.ForeignKey(
        settings.PARTICIPANT_MODEL,
        verbose_name=_("whose record"),
        on_delete=models.PROTECT,
        related_name="access_events",
    )
    what = models.CharField(_("what"), max_length=100)
    path = models.CharField(_("page"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        indexes = [models.Index(fields=["participant", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_id} read {self.what} of {self.participant_id}"
