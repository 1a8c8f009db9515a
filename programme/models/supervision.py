"""Supervision sessions and network meetings for peer supporters (component 5)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Role
from tod.accounts.scoping import SiteScopedQuerySet


class SessionKind(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision")
    NETWORK = "network", _("Network meeting")


class Theme(models.TextChoices):
    ROLE = "role", _("The supporter's role and expectations")
    LIFE_CIRCUMSTANCES = "life_circumstances", _("The peer's life circumstances")
    HEALTH = "health", _("Health and diabetes management")
    HEALTH_CARE = "health_care", _("Access to health care")
    BOUNDARIES = "boundaries", _("Boundaries and own resources")
    CONTACT = "contact", _("Contact and cancelled meetings")
    OTHER = "other", _("Other")


class SessionQuerySet(SiteScopedQuerySet):
    def visible_to(self, user):
        """Staff: sessions of their sites; a supervisor: the ones they lead; a supporter: the
        ones they are invited to."""
        if not user or not user.is_authenticated:
            return self.none()
        if user.role == Role.SUPPORTER:
            return self.filter(invitations__participant__user=user)
        if user.role == Role.SUPERVISOR:
            return self.filter(leader=user)
        return self.for_user(user)

    def upcoming(self, now: dt.datetime | None = None):
        """Sessions that have not started yet and are not cancelled, soonest first (the
        reminders read this)."""
        now = now or timezone.now()
        return self.filter(starts_at__gt=now, cancelled_at__isnull=True).order_by("starts_at")

    def past(self, now: dt.datetime | None = None):
        now = now or timezone.now()
        return self.filter(starts_at__lte=now).order_by("-starts_at")


class Session(models.Model):
    """A supervision session (led by a professional supervisor) or a network meeting."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="sessions"
    )
    round = models.ForeignKey(
        "programme.Round",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("led by"),
        on_delete=models.PROTECT,
        related_name="sessions_led",
        null=True,
        blank=True,
        limit_choices_to={"role": Role.SUPERVISOR},
    )
    notes = models.TextField(_("notes"), max_length=20000, blank=True)
    series = models.UUIDField(_("series"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("supervision or network meeting")
        verbose_name_plural = _("supervision and network meetings")
        indexes = [models.Index(fields=["site", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        # In the reader's format (Danish: 31.08.2026 16:00), as in every heading and title.
        local = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} · {date_format(local, 'SHORT_DATETIME_FORMAT')}"

    def get_absolute_url(self) -> str:
        return reverse("programme:session_detail", args=[self.pk])

    def user_can_access(self, user) -> bool:
        if user.role == Role.SUPPORTER:
            return self.invitations.filter(participant__user=user).exists()
        if user.role == Role.SUPERVISOR:
            return self.leader_id == user.id
        return user.works_in(self.site_id)

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())


class SessionInvitation(models.Model):
    """A supporter invited to a session; `attended` is recorded afterwards (None: not yet)."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="invitations"
    )
    participant = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="session_invitations",
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["participant__last_name", "participant__first_name", "id"]
        verbose_name = _("session invitation")
        verbose_name_plural = _("session invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="session_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.session}"


class Dilemma(models.Model):
    """A dilemma or challenge raised at a session, tagged by theme."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="dilemmas"
    )
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    text = models.TextField(_("dilemma or challenge"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # The suggested topic it was taken up from, if any: a topic raised from a supporter's
    # logbook stays theirs as a dilemma (their right of access, their erasure).
    topic = models.ForeignKey(
        "SuggestedTopic",
        verbose_name=_("taken up from topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dilemmas",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dilemma")
        verbose_name_plural = _("dilemmas")

    def __str__(self) -> str:
        return f"{self.get_theme_display()}: {self.text[:40]}"


class FollowUpAction(models.Model):
    """Something to do after a session: who, what, by when, and whether it is done."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="actions"
    )
    text = models.CharField(_("action"), max_length=500)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return self.text

    def user_can_access(self, user) -> bool:
        return self.session.user_can_access(user)


class TopicSource(models.TextChoices):
    SUPPORT_REQUEST = "support_request", _("Request for support from a logbook")
    OTHER = "other", _("Suggested by the staff")


class SuggestedTopicQuerySet(SiteScopedQuerySet):
    def open(self):
        return self.filter(session__isnull=True, dismissed_at__isnull=True)

    def raised_by(self, session: Session):
        """Topics raised on or before the session's day (local time): a topic raised later
        cannot have been discussed there."""
        day = timezone.localtime(session.starts_at).date()
        next_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        return self.filter(created_at__lt=next_day)

    def for_session(self, session: Session):
        """The topics a session's page offers: of its site, and a support request only from a
        supporter invited to it (a staff suggestion is for every session of the site)."""
        return self.filter(site=session.site_id).filter(
            _raised_by_any_of(session.invitations.values("participant"))
        )

    def visible_to(self, user):
        """Staff: the topics of their sites; a supervisor: those of the sessions they lead,
        i.e. staff suggestions of their sites and the support requests of the supporters
        invited to those sessions."""
        if user.role != Role.SUPERVISOR:
            return self.for_user(user)
        led = Session.objects.filter(leader=user)
        invited = SessionInvitation.objects.filter(session__in=led).values("participant")
        return self.filter(site__in=led.values("site")).filter(_raised_by_any_of(invited))


def _raised_by_any_of(participants) -> Q:
    """Staff suggestions, or support requests raised by one of `participants` (a support
    request without its supporter, from before topics named one, stays with the managers)."""
    return Q(source=TopicSource.OTHER) | Q(
        source=TopicSource.SUPPORT_REQUEST, supporter__in=participants
    )


class SuggestedTopic(models.Model):
    """A topic suggested for the next supervision, e.g. a logbook's request for support."""

    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="suggested_topics",
    )
    text = models.TextField(_("topic"), max_length=5000)
    source = models.CharField(
        _("source"), max_length=20, choices=TopicSource.choices, default=TopicSource.OTHER
    )
    meeting_number = models.PositiveSmallIntegerField(
        _("meeting of the pair"),
        null=True,
        blank=True,
        help_text=_("A support request: the number of the meeting whose logbook raised it."),
    )
    source_label = models.CharField(_("source, details"), max_length=200, blank=True)
    # A support request's supporter, so that only the supervisors of that supporter's sessions
    # read it; never shown (the page says what the topic is, not whose logbook raised it).
    supporter = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("supporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suggested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    session = models.ForeignKey(
        Session,
        verbose_name=_("taken up at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
    )
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    objects = SuggestedTopicQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("suggested topic")
        verbose_name_plural = _("suggested topics")

    def __str__(self) -> str:
        return self.text[:60]

    def user_can_access(self, user) -> bool:
        """Staff of its site; a supervisor only where a session they lead offers it."""
        return SuggestedTopic.objects.visible_to(user).filter(pk=self.pk).exists()

    @property
    def source_display(self) -> str:
        """What the topic is, readable, in the reader's language; never a person's name."""
        if self.source == TopicSource.SUPPORT_REQUEST:
            if self.meeting_number:
                return _("Request for support from a logbook, meeting %(number)s") % {
                    "number": self.meeting_number
                }
            return str(TopicSource.SUPPORT_REQUEST.label)
        return self.source_label or str(self.get_source_display())
