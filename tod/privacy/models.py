from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("The participant asked")
    RETENTION = "retention", _("Retention period passed")


class ErasureRecord(models.Model):
    """That a participant's personal data was erased, and how much: never what it was."""

    participant = models.OneToOneField(
        settings.PARTICIPANT_MODEL,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="erasure",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ErasureReason.choices)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rows_scrubbed = models.PositiveIntegerField(_("rows cleaned"), default=0)
    audit_events_scrubbed = models.PositiveIntegerField(_("audit entries cleaned"), default=0)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"#{self.participant_id} ({self.get_reason_display()})"
