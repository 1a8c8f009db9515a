"""Meetings of a pair and the logbook after each.

A pair's schedule lives here, not on matching.Pair: `MeetingPlan` (one per pair) keeps the
default weekday, time and place and the pauses; `Meeting` rows are the 13 planned meetings plus
any extra ones; `Logbook` is the supporter's record after a held meeting, with its versions and
the manager's comments.
"""

from __future__ import annotations

import datetime as dt
import secrets

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
        "matching.Pair",
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
        "matching.Pair", verbose_name=_("pair"), on_delete=models.CASCADE, related_name="pauses"
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
        "matching.Pair", verbose_name=_("pair"), on_delete=models.CASCADE, related_name="meetings"
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


class Topic(models.TextChoices):
    DIABETES = "diabetes", _("Diabetes")
    MEDICATION = "medication", _("Medication")
    FOOD = "food", _("Food")
    PHYSICAL_ACTIVITY = "physical_activity", _("Physical activity")
    HEALTH_CARE = "health_care", _("Contacts with health care")
    LONELINESS = "loneliness", _("Loneliness")
    PRACTICAL_HELP = "practical_help", _("Practical help")
    OTHER = "other", _("Other")


class RolePerception(models.TextChoices):
    BEFRIENDER = "befriender", _("Mostly a befriender")
    BOTH = "both", _("Both")
    DIABETES_SUPPORT = "diabetes_support", _("Mostly a diabetes support person")


# The quick scales on how the supporter experiences the relationship (the study's mechanisms).
RELATIONSHIP_SCALES = {
    "trust": _("Trust"),
    "respect": _("Respect"),
    "empathy": _("Empathy"),
    "care": _("Care"),
    "honesty": _("Honesty"),
    "equal": _("Feeling equal"),
}
SCALE_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]

# The fields a supporter fills in; a version keeps these.
LOGBOOK_ANSWER_FIELDS = (
    "activities",
    "place",
    "duration_minutes",
    "topics",
    "relationship",
    "improvements",
    "reflections",
    "challenges",
    "needs_support",
    "support_with",
    *(f"scale_{name}" for name in RELATIONSHIP_SCALES),
    "role_perception",
)


class LogbookQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user or not user.is_authenticated:
            return self.none()
        if _is_supporter(user):
            return self.filter(meeting__pair__supporter__user=user)
        return self.filter(meeting__pair__site__staff=user)

    def submitted(self):
        return self.exclude(status=LogbookStatus.DRAFT)

    def support_open(self):
        return self.submitted().filter(needs_support=True, support_handled_at__isnull=True)

    def review_order(self):
        """Open support requests first, then those awaiting review, newest first."""
        return self.annotate(
            _support_open=models.Case(
                models.When(
                    Q(needs_support=True, support_handled_at__isnull=True), then=models.Value(0)
                ),
                default=models.Value(1),
            ),
            _to_review=models.Case(
                models.When(status=LogbookStatus.SUBMITTED, then=models.Value(0)),
                default=models.Value(1),
            ),
        ).order_by("_support_open", "_to_review", "-submitted_at", "-id")


class Logbook(models.Model):
    """The supporter's record after a held meeting: ten questions and two short items."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="logbook"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="logbooks",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LogbookStatus.choices, default=LogbookStatus.DRAFT
    )
    # 1-3: the activities, where and how long
    activities = models.CharField(_("1. What did you do together?"), max_length=300, blank=True)
    place = models.CharField(_("2. Where did you meet?"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("3. How long did the meeting last (minutes)?"), null=True, blank=True
    )
    # 4: the topics talked about
    topics = models.JSONField(_("4. What did you talk about?"), default=list, blank=True)
    # 5-7: the relationship, the peer's improvements, the supporter's own reflections
    relationship = models.TextField(_("5. How is your relationship going?"), blank=True)
    improvements = models.TextField(
        _("6. Have you noticed any improvements in your peer?"), blank=True
    )
    reflections = models.TextField(_("7. Your own reflections after the meeting"), blank=True)
    # 8-10: challenges and whether the supporter needs support
    challenges = models.TextField(_("8. Did you meet a challenge?"), blank=True)
    # None: not answered yet (a draft); submitting needs Yes or No (LogbookForm).
    needs_support = models.BooleanField(
        _("9. Do you need support to tackle a challenge?"), null=True, blank=True, default=None
    )
    support_with = models.TextField(_("10. What do you need support with?"), blank=True)
    # The two short items the evaluation follows over time.
    scale_trust = models.PositiveSmallIntegerField(
        _("Trust"), choices=SCALE_CHOICES, null=True, blank=True
    )
    scale_respect = models.PositiveSmallIntegerField(
        _("Respect"), choices=SCALE_CHOICES, null=True, blank=True
    )
    scale_empathy = models.PositiveSmallIntegerField(
        _("Empathy"), choices=SCALE_CHOICES, null=True, blank=True
    )
    scale_care = models.PositiveSmallIntegerField(
        _("Care"), choices=SCALE_CHOICES, null=True, blank=True
    )
    scale_honesty = models.PositiveSmallIntegerField(
        _("Honesty"), choices=SCALE_CHOICES, null=True, blank=True
    )
    scale_equal = models.PositiveSmallIntegerField(
        _("Feeling equal"), choices=SCALE_CHOICES, null=True, blank=True
    )
    role_perception = models.CharField(
        _("How do you see your role right now?"),
        max_length=20,
        choices=RolePerception.choices,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    draft_saved_at = models.DateTimeField(_("draft saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    support_handled_at = models.DateTimeField(_("support handled"), null=True, blank=True)
    support_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("support handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = LogbookQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("logbook")
        verbose_name_plural = _("logbooks")
        indexes = [models.Index(fields=["status", "needs_support"])]

    def __str__(self) -> str:
        return str(self.meeting)

    def user_can_access(self, user) -> bool:
        return self.meeting.pair.user_can_access(user)

    @property
    def support_open(self) -> bool:
        return self.needs_support and self.support_handled_at is None and self.status != "draft"

    def answers(self) -> dict:
        return {name: getattr(self, name) for name in LOGBOOK_ANSWER_FIELDS}

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(topic, topic)) for topic in self.topics or []]

    def scales(self) -> list[tuple[str, int | None]]:
        return [
            (label, getattr(self, f"scale_{name}")) for name, label in RELATIONSHIP_SCALES.items()
        ]


class LogbookVersion(models.Model):
    """A logbook's answers as they were before a change made after the manager's review."""

    logbook = models.ForeignKey(
        Logbook, verbose_name=_("logbook"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    answers = models.JSONField(_("answers"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("earlier version of a logbook")
        verbose_name_plural = _("earlier versions of logbooks")
        constraints = [
            models.UniqueConstraint(fields=["logbook", "version"], name="logbook_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.logbook} v{self.version}"


class LogbookComment(models.Model):
    """The manager's comment on a logbook; the supporter sees it."""

    logbook = models.ForeignKey(
        Logbook, verbose_name=_("logbook"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:50]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A supporter's secret calendar address; revoking it gives a new one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("secret"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
