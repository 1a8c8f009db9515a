from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One saved post of a create form: its token, a fingerprint of what was posted, and where
    the view sent the user, so a repeated post goes there too. Bookkeeping, not personal data
    (the URL names ids only); forgotten after `KEEP_DAYS`."""

    KEEP_DAYS = 30

    token = models.UUIDField(_("token"))
    fingerprint = models.CharField(_("fingerprint of the posted data"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    path = models.CharField(_("path"), max_length=500)
    redirect_to = models.CharField(_("sent to"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["token", "fingerprint"], name="once_submission_unique_token_data"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} · {self.created_at:%Y-%m-%d %H:%M}"
