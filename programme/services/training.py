"""The supporters' training course: its days, the invitations and the attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Course, CourseInvitation, Participant, TrainingAttendance, TrainingDay
from ..status import participant_statuses_refresh


@transaction.atomic
def course_create(
    *,
    site,
    round,
    name: str,
    trainer: str,
    capacity: int,
    days: list[tuple[dt.datetime, dt.datetime, str]],
    by,
) -> Course:
    """Create a course with its two mandatory days [(starts_at, ends_at, place), ...]."""
    if len(days) != 2:
        raise ValidationError(_("A course has two days."))
    course = Course.objects.create(
        site=site, round=round, name=name, trainer=trainer, capacity=capacity, created_by=by
    )
    for number, (starts_at, ends_at, place) in enumerate(days, start=1):
        TrainingDay.objects.create(
            course=course, number=number, starts_at=starts_at, ends_at=ends_at, place=place
        )
    return course


@transaction.atomic
def course_invite(*, course: Course, participants: Iterable[Participant], by) -> int:
    """Invite supporters to a course. Only supporters of the course's site with programme
    consent who have not withdrawn; never beyond the capacity. Idempotent per supporter
    (a cancelled invitation is renewed). Returns how many were newly invited."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    allowed = set(
        Participant.objects.filter(site=course.site_id)
        .supporters()
        .not_withdrawn()
        .with_programme_consent()
        .values_list("pk", flat=True)
    )
    wanted = [p for p in participants]
    refused = [p for p in wanted if p.pk not in allowed]
    if refused:
        raise ValidationError(
            _("Only supporters with programme consent can be invited: %(names)s")
            % {"names": ", ".join(p.full_name for p in refused)}
        )
    existing = {inv.participant_id: inv for inv in CourseInvitation.objects.filter(course=course)}
    active = sum(1 for inv in existing.values() if inv.cancelled_at is None)
    new = [p for p in wanted if p.pk not in existing or existing[p.pk].cancelled_at is not None]
    if active + len(new) > course.capacity:
        raise ValidationError(
            _("The course has room for %(capacity)s; %(taken)s are already invited.")
            % {"capacity": course.capacity, "taken": active}
        )
    for participant in new:
        invitation = existing.get(participant.pk)
        if invitation is not None:
            invitation.cancelled_at = None
            invitation.save(update_fields=["cancelled_at"])
        else:
            CourseInvitation.objects.create(course=course, participant=participant, invited_by=by)
    return len(new)


@transaction.atomic
def training_attendance_record(
    *, day: TrainingDay, attended: dict[int, bool], by, now: dt.datetime | None = None
) -> None:
    """Record who attended a course day ({participant id: attended}). Only for invited
    supporters and only once the day has started. A supporter who has now attended day 1 and
    day 2 (on any courses) becomes trained."""
    now = now or timezone.now()
    if not day.has_started(now):
        raise ValidationError(_("Attendance can be recorded once the day has started."))
    invited = set(
        CourseInvitation.objects.filter(
            course=day.course_id, cancelled_at__isnull=True
        ).values_list("participant_id", flat=True)
    )
    strangers = set(attended) - invited
    if strangers:
        raise ValidationError(_("Attendance can only be recorded for invited supporters."))
    for participant_id, was_there in attended.items():
        TrainingAttendance.objects.update_or_create(
            day=day,
            participant_id=participant_id,
            defaults={"attended": was_there, "recorded_by": by, "recorded_at": now},
        )
    participant_statuses_refresh(participants=list(attended))
