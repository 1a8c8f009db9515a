"""Pairs (a peer with a peer supporter) and, to come, match surveys and proposals."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Role
from tod.accounts.scoping import SiteScopedQuerySet


class PairStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed by both")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    ENDED = "ended", _("Ended early")


class PairQuerySet(SiteScopedQuerySet):
    def of_supporter_user(self, user):
        return self.filter(supporter__user=user)


class Pair(models.Model):
    """A peer matched with a peer supporter: one case of the evaluation."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="pairs"
    )
    round = models.ForeignKey(
        "programme.Round",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="pairs",
        null=True,
        blank=True,
    )
    peer = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer"),
        on_delete=models.PROTECT,
        related_name="pairs_as_peer",
    )
    supporter = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer supporter"),
        on_delete=models.PROTECT,
        related_name="pairs_as_supporter",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PairStatus.choices, default=PairStatus.PROPOSED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = PairQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        indexes = [models.Index(fields=["site", "status"])]

    def __str__(self) -> str:
        return f"{self.peer} – {self.supporter}"

    def user_can_access(self, user) -> bool:
        """A supporter reaches only their own pairs; staff reach the pairs of their sites."""
        if user.role == Role.SUPPORTER:
            return self.supporter.user_id == user.id
        return user.works_in(self.site_id)
