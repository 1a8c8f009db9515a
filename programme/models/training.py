"""The two-day mandatory training course for peer supporters (component 2)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tod.accounts.scoping import SiteScopedQuerySet


class CourseQuerySet(SiteScopedQuerySet):
    pass


class Course(models.Model):
    """A training course: two mandatory days, a trainer, a capacity and invited supporters."""

    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="courses"
    )
    round = models.ForeignKey(
        "programme.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="courses"
    )
    name = models.CharField(_("name"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"), default=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme:course_detail", args=[self.pk])


class TrainingDayQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(course__site__staff=user) if user.is_authenticated else self.none()

    def upcoming(self, now: dt.datetime | None = None):
        """Days that have not started yet, soonest first (the reminders read this)."""
        now = now or timezone.now()
        return self.filter(starts_at__gt=now).order_by("starts_at").select_related("course")


class TrainingDay(models.Model):
    """Day 1 or day 2 of a course, with its own date, times and place."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="days"
    )
    number = models.PositiveSmallIntegerField(_("day"), choices=[(1, _("Day 1")), (2, _("Day 2"))])
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)

    objects = TrainingDayQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "number"]
        verbose_name = _("course day")
        verbose_name_plural = _("course days")
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="training_day_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="training_day_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.get_number_display()}"

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def user_can_access(self, user) -> bool:
        return user.works_in(self.course.site_id)


class CourseInvitation(models.Model):
    """A supporter invited to a course (for both days, or to make up a missed day)."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="invitations"
    )
    participant = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="course_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["participant__last_name", "participant__first_name", "id"]
        verbose_name = _("course invitation")
        verbose_name_plural = _("course invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "participant"], name="course_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.course}"


class TrainingAttendance(models.Model):
    """Whether an invited supporter attended one course day."""

    day = models.ForeignKey(
        TrainingDay,
        verbose_name=_("course day"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    participant = models.ForeignKey(
        "programme.Participant",
        verbose_name=_("peer supporter"),
        on_delete=models.CASCADE,
        related_name="training_attendance",
    )
    attended = models.BooleanField(_("attended"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("course attendance")
        verbose_name_plural = _("course attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "participant"], name="training_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.day}"
