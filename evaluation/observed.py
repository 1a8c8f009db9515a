"""The events an evaluator can observe: the training courses, supervision sessions and network
meetings of their sites, as the choices of the observation form (grouped by kind, newest first)
and with what an observation takes from the one chosen (setting, site, days); and who there may
not be observed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programme.models import ConsentPurpose, Course, Kind, Participant, Session, TrainingDay
from programme.models.supervision import SessionKind

from .models import Observation
from .models.choices import ObservationSetting
from .pseudonyms import participant_pseudonym


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


# Who may not be observed (docs/evaluation.md, "Consent"): a supporter whose latest answer on
# being observed is not 'given' is listed on the observation's page, so the observer leaves
# them out of the notes, and their pseudonym is withheld from the exported field notes.
WITHHELD = "S-WITHHELD"  # as long as a supporter's pseudonym: excerpt positions stay right
_SUPPORTER_PSEUDONYM = re.compile(r"\bS-[0-9A-Z]{8}\b")


def _not_observable(people: QuerySet[Participant]) -> QuerySet[Participant]:
    observable = Participant.objects.with_consent(ConsentPurpose.OBSERVATION).values("pk")
    return people.filter(kind=Kind.SUPPORTER).exclude(pk__in=observable)


def not_observable_at(observation: Observation) -> list[str]:
    """The pseudonyms of the supporters at the observed course (invited or attending) or
    session (invited) who have not agreed to being observed. One query."""
    if observation.course_id:
        at = Q(course_invitations__course=observation.course_id) | Q(
            training_attendance__day__course=observation.course_id
        )
    elif observation.session_id:
        at = Q(session_invitations__session=observation.session_id)
    else:
        return []
    ids = _not_observable(Participant.objects.filter(at)).values_list("pk", flat=True).distinct()
    return sorted(participant_pseudonym(pk, Kind.SUPPORTER) for pk in ids)


class Withhold:
    """Replaces, in a text already pseudonymised, the pseudonym of every supporter of the
    user's sites who has not agreed to being observed by WITHHELD (same length). One query."""

    def __init__(self, user) -> None:
        ids = _not_observable(Participant.objects.for_user(user)).values_list("pk", flat=True)
        self.pseudonyms = {participant_pseudonym(pk, Kind.SUPPORTER) for pk in ids}

    def __call__(self, text: str) -> str:
        if not self.pseudonyms or not text:
            return text
        return _SUPPORTER_PSEUDONYM.sub(
            lambda m: WITHHELD if m.group(0) in self.pseudonyms else m.group(0), text
        )
