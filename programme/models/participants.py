"""Rounds, participants, the initial conversation, withdrawal and the public form's rate limit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from tod.accounts.models import Role
from tod.accounts.scoping import SiteScopedQuerySet

from .choices import Kind, ReferralChannel, Sex, Status
from .consent import Consent, ConsentDecision, ConsentPurpose
from .screening import Screening, ScreeningResult
from .training import TrainingAttendance

danish_postcode = RegexValidator(
    r"^[0-9]{4}$", _("A Danish postcode has four digits, for example 2200.")
)


class RoundQuerySet(SiteScopedQuerySet):
    def current_for_site(self, site, today: dt.date | None = None) -> Round | None:
        """The round that runs today at the site, else the latest one (or None)."""
        today = today or timezone.localdate()
        rounds = self.filter(site=site)
        running = rounds.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on")
        return running.first() or rounds.order_by("-starts_on").first()


class Round(models.Model):
    """A cohort: the programme run once at a site, so rounds can be compared."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = RoundQuerySet.as_manager()

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


def twin_condition(site, first_name, last_name, born) -> Q:
    """The duplicate rule: the same site, the same first and last name (case-insensitive,
    stripped) and the same date of birth."""
    return Q(
        site=site,
        first_name__iexact=first_name.strip() if isinstance(first_name, str) else first_name,
        last_name__iexact=last_name.strip() if isinstance(last_name, str) else last_name,
        date_of_birth=born,
    )


def twin_key(first_name: str, last_name: str, born: dt.date) -> tuple[str, str, dt.date]:
    """twin_condition as a key, for people not yet stored (the rows of an imported file among
    themselves, and a stored twin found for one of them): names stripped and upper-cased, as
    the database's case-insensitive comparison (UPPER) does."""
    return (first_name.strip().upper(), last_name.strip().upper(), born)


class ParticipantQuerySet(SiteScopedQuerySet):
    """Reads over participants. Eligibility is computed from the records (screenings, consents,
    attendance, withdrawal), never from the `status` label, so it cannot drift."""

    def peers(self):
        return self.filter(kind=Kind.PEER)

    def supporters(self):
        return self.filter(kind=Kind.SUPPORTER)

    def not_withdrawn(self):
        return self.filter(withdrawal__isnull=True)

    def with_consent(self, purpose: str):
        """Participants whose latest answer for `purpose` is 'given'."""

        name = f"_latest_{purpose}_consent"
        return self.alias(
            **{name: Consent.objects.latest_decision_of(purpose, OuterRef("pk"))}
        ).filter(**{name: ConsentDecision.GIVEN})

    def with_programme_consent(self):

        return self.with_consent(ConsentPurpose.PROGRAMME)

    def with_routine_data_consent(self):
        """Only these bring their routine data (nurse visits, logbooks, meetings, the case and
        its records) into the evaluation."""

        return self.with_consent(ConsentPurpose.ROUTINE_DATA)

    def screened_eligible(self):
        """Participants whose latest screening's result is 'eligible'."""

        return self.alias(
            _latest_screening=Screening.objects.latest_result_of(OuterRef("pk"))
        ).filter(_latest_screening=ScreeningResult.ELIGIBLE)

    def trained(self):
        """Supporters who attended day 1 and day 2, on the same course or a later make-up."""

        attended = TrainingAttendance.objects.filter(participant=OuterRef("pk"), attended=True)
        return self.filter(
            Exists(attended.filter(day__number=1)), Exists(attended.filter(day__number=2))
        )

    def eligible_supporters(self):
        """Supporters the matching may use: trained, programme consent given, not withdrawn."""
        return self.supporters().not_withdrawn().with_programme_consent().trained()

    def eligible_peers(self):
        """Peers the matching may use: screened eligible, programme consent given, not withdrawn."""
        return self.peers().not_withdrawn().with_programme_consent().screened_eligible()

    def waiting_for_training(self):
        """Supporters with programme consent, not withdrawn, who still miss a course day."""
        return (
            self.supporters()
            .not_withdrawn()
            .with_programme_consent()
            .exclude(pk__in=Participant.objects.trained().values("pk"))
        )

    def possible_duplicates_of(self, *, site, first_name, last_name, born, exclude=None):
        """Participants of the site with the same name and date of birth (case-insensitive):
        the duplicate rule, the one definition of it (twin_condition). Each argument is a value
        (the form's twin check; names are stripped) or an OuterRef (the list's flag,
        with_duplicate_flag)."""
        qs = self.filter(twin_condition(site, first_name, last_name, born))
        if exclude is not None:
            qs = qs.exclude(pk=exclude)
        return qs

    def possible_duplicates_of_any(self, *, site, people):
        """possible_duplicates_of for each (first name, last name, date of birth) of `people`,
        in one query: the rows of an imported file against the site's participants."""
        query = Q(pk__in=[])
        for first_name, last_name, born in people:
            query |= twin_condition(site, first_name, last_name, born)
        return self.filter(query)

    def with_duplicate_flag(self):
        """`has_duplicate`: another participant of the site has the same name (case-insensitive)
        and date of birth: possible_duplicates_of of each row, as one EXISTS (the twin index
        answers it with one probe)."""
        twins = self.model.objects.possible_duplicates_of(
            site=OuterRef("site_id"),
            first_name=OuterRef("first_name"),
            last_name=OuterRef("last_name"),
            born=OuterRef("date_of_birth"),
            exclude=OuterRef("pk"),
        )
        return self.annotate(has_duplicate=Exists(twins))

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        query = Q()
        for word in text.split()[:5]:
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__icontains=word)
                | Q(postcode=word)
            )
        return self.filter(query)


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
    postcode = models.CharField(
        _("postcode"), max_length=4, blank=True, validators=[danish_postcode]
    )
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
    referral_note = models.TextField(
        _("referral note"),
        max_length=2000,
        blank=True,
        help_text=_("Why they were referred, or the message they left on the web page."),
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
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["site", "kind", "status"]),
            # The participant list's order within a site: its first page is read from the
            # index, not sorted from all the site's participants (SiteScopedQuerySet.in_sites_of).
            models.Index(
                fields=["site", "last_name", "first_name", "id"],
                name="programme_participant_list_idx",
            ),
            # Twins (with_duplicate_flag, possible_duplicates_of): one index probe per row of
            # the participant list instead of a scan of the site's participants.
            models.Index(
                F("site"),
                Upper("last_name"),
                Upper("first_name"),
                F("date_of_birth"),
                name="programme_participant_twin_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("programme:participant_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def user_can_access(self, user) -> bool:
        """Staff of the participant's site; a supporter only their own record."""
        if user.role == Role.SUPPORTER:
            return self.user_id == user.id
        return user.works_in(self.site_id)

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN


class InitialConversation(models.Model):
    """The first conversation with a candidate, which the manager relies on for matching."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    held_on = models.DateField(_("held on"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("initial conversation")
        verbose_name_plural = _("initial conversations")

    def __str__(self) -> str:
        return f"{self.participant} · {self.held_on}"


class WithdrawalInitiator(models.TextChoices):
    PARTICIPANT = "participant", _("The participant")
    STAFF = "staff", _("The project team")
    OTHER = "other", _("Someone else (relative, professional)")


class DataChoice(models.TextChoices):
    KEEP = "keep", _("Keep the data for the evaluation")
    ERASE = "erase", _("Erase the personal data")


class Withdrawal(models.Model):
    """A participant left the programme. Kept for good: the record explains what happened."""

    participant = models.OneToOneField(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="withdrawal",
    )
    withdrawn_on = models.DateField(_("withdrawn on"))
    reason = models.TextField(_("reason"), max_length=2000)
    initiated_by = models.CharField(
        _("initiated by"), max_length=20, choices=WithdrawalInitiator.choices
    )
    data_choice = models.CharField(
        _("what happens to the data"), max_length=10, choices=DataChoice.choices
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    pairs_ended = models.PositiveIntegerField(_("pairs ended"), default=0)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")

    def __str__(self) -> str:
        return f"{self.participant} · {self.withdrawn_on}"


class InterestAttempt(models.Model):
    """One submission of the public interest form, keyed by a hash of the client address, so the
    form can be rate limited across processes without keeping addresses."""

    address_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("interest form submission")
        verbose_name_plural = _("interest form submissions")

    def __str__(self) -> str:
        return f"{self.address_hash[:8]} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
