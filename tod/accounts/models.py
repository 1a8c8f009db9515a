"""Users and sites.

A site is one municipality or organisation running the programme, like a REDCap data access
group: every programme record belongs to one, and staff see only the sites they work in.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("Project manager")
    SUPPORTER = "supporter", _("Peer supporter")
    NURSE = "nurse", _("Diabetes nurse")
    SUPERVISOR = "supervisor", _("Supervisor")
    EVALUATOR = "evaluator", _("Evaluator")


class Site(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    retention_days = models.PositiveIntegerField(
        _("keep personal data for (days)"),
        default=5 * 365,
        help_text=_(
            "After a participant's last activity in the programme, their personal data is kept "
            "this long, then erased automatically; the pseudonymised records stay."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Peers need no account: the project manager acts for them."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    sites = models.ManyToManyField(
        Site,
        verbose_name=_("sites"),
        related_name="staff",
        blank=True,
        help_text=_("The sites this person works in; they see nothing of other sites."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("da", _("Danish")), ("en", _("English"))],
        default="da",
    )
    access_expires_on = models.DateField(
        _("access expires on"),
        null=True,
        blank=True,
        help_text=_("Volunteers' accounts can end on a date; the account is then deactivated."),
    )

    session_salt = models.CharField(max_length=32, default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def _get_session_auth_hash(self, secret=None):
        """Django checks this hash on every request; it covers the password (as Django's does)
        and `session_salt`, so rotating the salt logs the user out of every session."""
        return salted_hmac(
            "tod.accounts.User.get_session_auth_hash",
            self.password + self.session_salt,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def rotate_session_salt(self) -> None:
        self.session_salt = secrets.token_hex(16)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def site_ids(self) -> frozenset[int]:
        """The ids of the sites this user works in, fetched once per user object: the session's
        user is read anew on every request, so a site taken away shows on the next page."""
        cached = getattr(self, "_site_ids", None)
        if cached is None:
            links = User.sites.through.objects.filter(user_id=self.pk)  # no join, no ordering
            cached = self._site_ids = frozenset(links.values_list("site_id", flat=True))
        return cached

    def works_in(self, site_id: int | None) -> bool:
        return site_id is not None and site_id in self.site_ids()

    def access_has_expired(self, today: dt.date) -> bool:
        """Access lasts through `access_expires_on` and ends the day after."""
        return self.access_expires_on is not None and self.access_expires_on < today

    def account_state(self, today: dt.date) -> str:
        """What the accounts page says of the account: invited (no password yet), active,
        expired or deactivated."""
        if not self.is_active:
            return AccountState.DEACTIVATED
        if self.access_has_expired(today):
            return AccountState.EXPIRED
        if not self.has_usable_password():
            return AccountState.INVITED
        return AccountState.ACTIVE


class AccountState(models.TextChoices):
    INVITED = "invited", _("invited")
    ACTIVE = "active", _("active")
    EXPIRED = "expired", _("access expired")
    DEACTIVATED = "deactivated", _("deactivated")


class InvitationQuerySet(models.QuerySet):
    def pending(self, now: dt.datetime) -> InvitationQuerySet:
        """Invitations whose link still works: not accepted, not revoked, not expired."""
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=now)


class Invitation(models.Model):
    """A single-use link that lets a new account set its password (docs/adr/0012).

    Only a hash of the link's token is stored: whoever reads the database (or a backup) cannot
    use a pending link. Resending makes a new row and revokes the old, so one link works at a
    time; accepting or revoking ends it; it expires after INVITATION_MAX_AGE."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="invitations"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)
    address = models.CharField(
        _("sent to"), max_length=254, help_text=_("The e-mail address or phone number.")
    )
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    send_error = models.CharField(_("sending failed"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_channel_display()})"

    def is_pending(self, now: dt.datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
