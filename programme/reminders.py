"""Reminder rules for the programme's training days, supervision sessions and network meetings.

These rules read the courses, sessions and invitations and plan the outbox rows: an invitation
as soon as a supporter is invited, and a reminder the day before each training day or session.
They are registered with the outbox (tod.outbox.rules, in ProgrammeConfig.ready), which runs
them from beat every ten minutes; they are idempotent (keys), so a run plans only what is new,
and a cancelled invitation or session cancels what is still pending.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tod.outbox.models import Channel, ReminderKind
from tod.outbox.services import outbox_cancel_topic, outbox_plan, outbox_plan_for_user

from .models import CourseInvitation, Participant, Session, SessionInvitation, TrainingDay

HORIZON = dt.timedelta(days=120)


def _plan_to(participant: Participant, *, key: str, **kwargs) -> list[str]:
    """To the supporter's login by their chosen channels, else to the participant's e-mail."""
    if participant.user is not None:
        return [r.key for r in outbox_plan_for_user(key=key, user=participant.user, **kwargs)]
    if participant.email:
        return [
            outbox_plan(
                key=f"{key}:email",
                channel=Channel.EMAIL,
                recipient_participant=participant,
                **kwargs,
            ).key
        ]
    return []


def _day_before(moment: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment)
    return timezone.make_aware(
        dt.datetime.combine(local.date() - dt.timedelta(days=1), local.time())
    )


def plan_training_reminders(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    days_by_course: dict[int, list] = {}
    for day in TrainingDay.objects.filter(starts_at__gt=now, starts_at__lte=now + HORIZON):
        days_by_course.setdefault(day.course_id, []).append(day)
    planned = 0
    invitations = CourseInvitation.objects.filter(course_id__in=days_by_course).select_related(
        "participant__user__contact_preference", "course__site"
    )
    for invitation in invitations:
        topic = f"course:{invitation.course_id}:participant:{invitation.participant_id}"
        with transaction.atomic():
            if invitation.cancelled_at is not None:
                outbox_cancel_topic(topic=topic, reason="invitation cancelled")
                continue
            wanted: list[str] = []
            days = sorted(days_by_course[invitation.course_id], key=lambda d: d.starts_at)
            common = {"site": invitation.course.site, "topic": topic, "kind": ReminderKind.TRAINING}
            wanted += _plan_to(
                invitation.participant,
                key=f"{topic}:invitation",
                due_at=max(now, invitation.invited_at),
                context={"when": days[0].starts_at.isoformat(), "place": days[0].place},
                **common,
            )
            for day in days:
                wanted += _plan_to(
                    invitation.participant,
                    key=f"{topic}:day{day.number}:{timezone.localtime(day.starts_at):%Y%m%dT%H%M}",
                    due_at=_day_before(day.starts_at),
                    context={"when": day.starts_at.isoformat(), "place": day.place},
                    **common,
                )
            outbox_cancel_topic(topic=topic, reason="no longer wanted", exclude_keys=wanted)
            planned += len(wanted)
    return planned


def plan_session_reminders(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    planned = 0
    sessions = Session.objects.filter(starts_at__gt=now, starts_at__lte=now + HORIZON)
    invitations = SessionInvitation.objects.filter(session__in=sessions).select_related(
        "session__site", "participant__user__contact_preference"
    )
    for invitation in invitations:
        session = invitation.session
        topic = f"session:{session.pk}:participant:{invitation.participant_id}"
        with transaction.atomic():
            if session.cancelled_at is not None:
                outbox_cancel_topic(topic=topic, reason="session cancelled")
                continue
            kind = (
                ReminderKind.SUPERVISION
                if session.kind == "supervision"
                else ReminderKind.NETWORK_MEETING
            )
            stamp = f"{timezone.localtime(session.starts_at):%Y%m%dT%H%M}"
            common = {
                "site": session.site,
                "topic": topic,
                "kind": kind,
                "context": {"when": session.starts_at.isoformat(), "place": session.place},
            }
            wanted = _plan_to(
                invitation.participant,
                key=f"{topic}:{stamp}:invitation",
                due_at=max(now, invitation.invited_at),
                **common,
            )
            wanted += _plan_to(
                invitation.participant,
                key=f"{topic}:{stamp}:reminder",
                due_at=_day_before(session.starts_at),
                **common,
            )
            outbox_cancel_topic(topic=topic, reason="no longer wanted", exclude_keys=wanted)
            planned += len(wanted)
    return planned
