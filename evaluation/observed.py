"""The events an evaluator can observe: the training courses, supervision sessions and network
meetings of their sites, as the choices of the observation form (grouped by kind, newest first)
and with what an observation takes from the one chosen (setting, site, days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programme.models import Course, Session, TrainingDay
from programme.models.supervision import SessionKind

from .models.choices import ObservationSetting


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    setting: str
    site: object
    days: list[dt.date]
    course: Course | None = None
    session: Session | None = None


class Events:
    """The observable events of a user, read in two queries (courses with their days, and
    sessions)."""

    def __init__(self, events: list[Event]) -> None:
        self.by_key = {e.key: e for e in events}

    def get(self, key: str) -> Event | None:
        return self.by_key.get(key)

    def on(self, setting: str, day: dt.date) -> Event | None:
        """The event of this setting held on that day, if any (the first found)."""
        return next(
            (e for e in self.by_key.values() if e.setting == setting and day in e.days), None
        )

    def choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        groups = [
            (ObservationSetting.TRAINING, _("Training courses")),
            (ObservationSetting.SUPERVISION, _("Supervision sessions")),
            (ObservationSetting.NETWORK_MEETING, _("Network meetings")),
        ]
        return [
            (title, [(e.key, e.label) for e in self.by_key.values() if e.setting == setting])
            for setting, title in groups
            if any(e.setting == setting for e in self.by_key.values())
        ]


def _course_event(course: Course) -> Event:
    days = sorted({timezone.localdate(day.starts_at) for day in course.days.all()})
    label = course.name
    if days:
        label = f"{course.name} · {date_format(days[0], 'SHORT_DATE_FORMAT')}"
    return Event(
        key=f"course:{course.pk}",
        label=label,
        setting=ObservationSetting.TRAINING,
        site=course.site,
        days=days or [timezone.localdate(course.created_at)],
        course=course,
    )


def _session_event(session: Session) -> Event:
    setting = (
        ObservationSetting.NETWORK_MEETING
        if session.kind == SessionKind.NETWORK
        else ObservationSetting.SUPERVISION
    )
    return Event(
        key=f"session:{session.pk}",
        label=str(session),
        setting=setting,
        site=session.site,
        days=[timezone.localdate(session.starts_at)],
        session=session,
    )


def observable_events(user) -> Events:
    courses = (
        Course.objects.for_user(user)
        .select_related("site")
        .prefetch_related(Prefetch("days", queryset=TrainingDay.objects.order_by("starts_at")))
        .order_by("-created_at", "-id")
    )
    sessions = (
        Session.objects.for_user(user)
        .filter(cancelled_at__isnull=True)
        .select_related("site")
        .order_by("-starts_at", "-id")
    )
    return Events([*map(_course_event, courses), *map(_session_event, sessions)])
