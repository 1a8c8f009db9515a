"""A site's own settings: each municipality is its own data controller, so what it tells its
participants (the contact details, the interest form's text, the consent texts) and how it
reminds them (the quiet hours, the SMS sender) are its own, edited by its manager.

One row per site, made with the installation's defaults when the site is made
(`site_settings_for`); the consent texts are versioned per site in `ConsentText`."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An alphanumeric sender (GatewayAPI and Twilio: at most 11 characters, plain letters and
# digits, spaces allowed, at least one letter) or a phone number (up to 15 digits, E.164).
ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
NUMBER_SENDER = re.compile(r"^\+?[0-9]{3,15}$")


def validate_sms_sender(value: str) -> None:
    if value and not (ALPHANUMERIC_SENDER.match(value) or NUMBER_SENDER.match(value)):
        raise ValidationError(
            _(
                "An SMS sender is up to 11 letters (a–z, no æ, ø or å), digits or spaces with at "
                "least one letter, or a phone number of up to 15 digits."
            ),
            code="sms_sender",
        )


def default_quiet_from() -> dt.time:
    return dt.time(getattr(settings, "OUTBOX_QUIET_HOURS", (21, 8))[0])


def default_quiet_to() -> dt.time:
    return dt.time(getattr(settings, "OUTBOX_QUIET_HOURS", (21, 8))[1])


def default_sms_sender() -> str:
    return getattr(settings, "OUTBOX_SMS_SENDER", "")


class SiteSettings(models.Model):
    site = models.OneToOneField(
        "accounts.Site",
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="programme_settings",
    )
    quiet_from = models.TimeField(
        _("no SMS from"),
        default=default_quiet_from,
        help_text=_("Local time. SMS reminders due in the quiet hours wait until they end."),
    )
    quiet_to = models.TimeField(_("no SMS until"), default=default_quiet_to)
    sms_sender = models.CharField(
        _("SMS sender name"),
        max_length=16,
        blank=True,
        default=default_sms_sender,
        validators=[validate_sms_sender],
        help_text=_(
            "Shown on the phone: up to 11 letters or digits, or a phone number. It names no "
            "health matter. Empty: the gateway account's default."
        ),
    )
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    contact_address = models.TextField(_("contact address"), max_length=500, blank=True)
    interest_intro = models.TextField(
        _("introduction on the interest form"),
        max_length=3000,
        blank=True,
        help_text=_("Empty: the standard introduction."),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(self.site)

    def clean(self) -> None:
        if self.quiet_from is not None and self.quiet_from == self.quiet_to:
            raise ValidationError(
                {"quiet_to": _("The quiet hours end at another time than they begin.")}
            )

    @property
    def has_contact(self) -> bool:
        return bool(
            self.contact_name or self.contact_phone or self.contact_email or self.contact_address
        )

    def contact_line(self) -> str:
        """The contact details on one line (reminders, the consent form)."""
        return ", ".join(
            part for part in (self.contact_name, self.contact_phone, self.contact_email) if part
        )
