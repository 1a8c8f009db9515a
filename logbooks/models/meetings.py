"""A pair's meetings: the plan agreed at the match meeting (usual weekday, time and place),
its pauses, and the 13 biweekly meetings plus any extra ones.

`LogbookStatus` lives here because a held meeting expects a logbook and `Meeting` reads it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.models import Role

MEETINGS_IN_PLAN = 13
MEETING_INTERVAL = dt.timedelta(weeks=2)
DEFAULT_MEETING_TIME = dt.time(10, 0)
LOGBOOK_OVERDUE_AFTER = dt.timedelta(days=2)
NO_MEETING_RISK_AFTER = dt.timedelta(weeks=4)
CANCELLATIONS_AT_RISK = 3
# A pair's plan is over a week after its last meeting: then it completes, or waits for the
# manager when an outcome is missing (`logbooks.queries.pairs_plan_over`).
PLAN_OVER_AFTER = dt.timedelta(days=7)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def _is_supporter(user) -> bool:
    return getattr(user, "role", "") == Role.SUPPORTER


class MeetingPlan(models.Model):
    """What a pair agreed at the match meeting: when and where they usually meet."""

    pair = models.OneToOneField(
        "logbooks.Pair",
        verbose_name=_("pair"),
        on_delete=models.CASCADE,
        related_name="meeting_plan",
    )
    match_meeting_on = models.DateField(_("match meeting held on"))
    weekday = models.PositiveSmallIntegerField(_("usual weekday"), choices=Weekday.choices)
    time = models.TimeField(_("usual time"), default=DEFAULT_MEETING_TIME)
    place = models.CharField(_("usual place"), max_length=200, blank=True)
    peer_sms_reminders = models.BooleanField(
        _("remind the peer by SMS"),
        default=False,
        help_text=_("The day before each meeting, if the peer has a phone number."),
    )
    consecutive_cancellations = models.PositiveSmallIntegerField(
        _("cancellations in a row"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting plan")
        verbose_name_plural = _("meeting plans")

    def __str__(self) -> str:
        return str(self.pair)


class Pause(models.Model):
    """A pause in a pair's meetings (e.g. a hospital stay); resuming shifts the plan."""

    pair = models.ForeignKey(
        "logbooks.Pair", verbose_name=_("pair"), on_delete=models.CASCADE, related_name="pauses"
    )
    starts_on = models.DateField(_("paused from"))
    ends_on = models.DateField(_("resumed on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paused by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["pair"], condition=Q(ends_on__isnull=True), name="one_open_pause_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pair}: {self.starts_on}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


class CancelledBy(models.TextChoices):
    PEER = "peer", _("The peer")
    SUPPORTER = "supporter", _("The peer supporter")
    PROGRAMME = "programme", _("The programme")


class CancelReason(models.TextChoices):
    SUPPORTER_HEALTH = "supporter_health", _("The supporter's health")
    PEER_HEALTH = "peer_health", _("The peer's health")
    LIFE_EVENT = "life_event", _("Other life event")
    PRACTICAL = "practical", _("Practical reasons")
    PAUSE = "pause", _("The pair paused")
    PAIR_ENDED = "pair_ended", _("The pair ended")
    OTHER = "other", _("Other")


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        """Meetings of the user's own pairs (a supporter) or of the user's sites (staff)."""
        if not user or not user.is_authenticated:
            return self.none()
        if _is_supporter(user):
            return self.filter(pair__supporter__user=user)
        return self.filter(pair__site__staff=user)

    def upcoming(self, now: dt.datetime):
        return self.filter(status=MeetingStatus.PLANNED, planned_at__gte=now)

    def logbook_writable(self, now: dt.datetime):
        """Meetings a logbook can be written for: held (whenever it was planned: a meeting held
        earlier than planned counts at once), or planned and due without an outcome yet."""
        return self.filter(
            Q(status=MeetingStatus.HELD) | Q(status=MeetingStatus.PLANNED, planned_at__lte=now)
        )

    def awaiting_logbook(self, now: dt.datetime):
        """The supporter's "Logbooks to write": writable meetings without a submitted logbook."""
        return self.logbook_writable(now).exclude(
            logbook__status__in=[LogbookStatus.SUBMITTED, LogbookStatus.REVIEWED]
        )

    def without_logbook(self):
        """Held meetings whose logbook is missing or still a draft."""
        return self.filter(status=MeetingStatus.HELD).exclude(
            logbook__status__in=[LogbookStatus.SUBMITTED, LogbookStatus.REVIEWED]
        )

    def logbook_overdue(self, today: dt.date):
        return self.without_logbook().filter(held_on__lte=today - LOGBOOK_OVERDUE_AFTER)


class Meeting(models.Model):
    pair = models.ForeignKey(
        "logbooks.Pair", verbose_name=_("pair"), on_delete=models.CASCADE, related_name="meetings"
    )
    sequence = models.PositiveSmallIntegerField(
        _("number in the plan"), null=True, blank=True, help_text=_("Empty for an extra meeting.")
    )
    planned_at = models.DateTimeField(_("planned for"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    activity = models.CharField(_("activity"), max_length=200, blank=True)
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=12, choices=CancelledBy.choices, blank=True
    )
    cancel_reason = models.CharField(
        _("reason"), max_length=20, choices=CancelReason.choices, blank=True
    )
    cancel_note = models.CharField(_("note"), max_length=200, blank=True)
    moved_from = models.DateTimeField(_("first planned for"), null=True, blank=True)
    held_by = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("held by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The supporter who held it (a substitute may have taken over)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["planned_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["pair", "planned_at"])]

    def __str__(self) -> str:
        return f"{self.pair} · {timezone.localtime(self.planned_at):%Y-%m-%d %H:%M}"

    def user_can_access(self, user) -> bool:
        return self.pair.user_can_access(user)

    @property
    def is_extra(self) -> bool:
        return self.sequence is None

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    def meeting_date(self) -> dt.date:
        return self.held_on or timezone.localtime(self.planned_at).date()

    def is_logbook_writable(self, now: dt.datetime) -> bool:
        """As `MeetingQuerySet.logbook_writable`, for one meeting."""
        return self.status == MeetingStatus.HELD or (
            self.status == MeetingStatus.PLANNED and self.planned_at <= now
        )

    def is_paper_logbook_open(self, user) -> bool:
        """A manager may type in the supporter's paper logbook of a held meeting: while it has
        no logbook, or only a draft, or one this manager entered."""
        logbook = getattr(self, "logbook", None)
        return self.status == MeetingStatus.HELD and (
            logbook is None
            or logbook.status == LogbookStatus.DRAFT
            or logbook.entered_by_id == user.pk
        )

    def is_logbook_overdue(self, today: dt.date) -> bool:
        logbook = getattr(self, "logbook", None)
        return (
            self.status == MeetingStatus.HELD
            and self.held_on is not None
            and self.held_on <= today - LOGBOOK_OVERDUE_AFTER
            and (logbook is None or logbook.status == LogbookStatus.DRAFT)
        )


class LogbookStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
