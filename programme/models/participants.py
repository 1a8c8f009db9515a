"""People and the programme's components: rounds and participants (more to come: screening,
consent, training, supervision)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from tod.accounts.models import Role
from tod.accounts.scoping import SiteScopedQuerySet


class Round(models.Model):
    """A cohort: the programme run once at a site, so rounds can be compared."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="round_unique_name_per_site"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="round_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.name}"


class Kind(models.TextChoices):
    PEER = "peer", _("Peer")
    SUPPORTER = "supporter", _("Peer supporter")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class ReferralChannel(models.TextChoices):
    CENTRE_FOR_DIABETES = "centre_for_diabetes", _("Centre for Diabetes")
    DIABETES_ASSOCIATION = "diabetes_association", _("Danish Diabetes Association")
    GENERAL_PRACTITIONER = "general_practitioner", _("General practitioner")
    HOME_CARE = "home_care", _("Home care")
    WEB_PAGE = "web_page", _("The programme's web page")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    REFERRED = "referred", _("Referred")
    SCREENED = "screened", _("Screened")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    CONSENTED = "consented", _("Consented")
    TRAINED = "trained", _("Trained")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ParticipantQuerySet(SiteScopedQuerySet):
    def peers(self):
        return self.filter(kind=Kind.PEER)

    def supporters(self):
        return self.filter(kind=Kind.SUPPORTER)


class Participant(models.Model):
    """A peer or a peer supporter. Peers have no login; a supporter may have one (`user`)."""

    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="participants",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("role in the programme"), max_length=12, choices=Kind.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("da", _("Danish")), ("en", _("English"))],
        default="da",
    )
    referral_channel = models.CharField(
        _("referral channel"), max_length=30, choices=ReferralChannel.choices
    )
    referred_by = models.CharField(
        _("referred by"),
        max_length=200,
        blank=True,
        help_text=_("The referring professional or organisation."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REFERRED
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [models.Index(fields=["site", "kind", "status"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def user_can_access(self, user) -> bool:
        """Staff of the participant's site; a supporter only their own record."""
        if user.role == Role.SUPPORTER:
            return self.user_id == user.id
        return user.works_in(self.site_id)
