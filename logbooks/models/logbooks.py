"""The supporter's logbook after a held meeting, its earlier versions and the manager's
comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .meetings import LogbookStatus, Meeting, _is_supporter


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
    # The manager who typed it in from the supporter's paper logbook (None: the author did).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
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
        return (
            bool(self.needs_support) and self.support_handled_at is None and self.status != "draft"
        )

    def answers(self) -> dict:
        return {name: getattr(self, name) for name in LOGBOOK_ANSWER_FIELDS}

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(topic, topic)) for topic in self.topics or []]

    def scales(self) -> list[tuple[str, int | None]]:
        return [
            (str(label), getattr(self, f"scale_{name}"))
            for name, label in RELATIONSHIP_SCALES.items()
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
