"""The programme's own records in the CSV export, for the exported cases and their people: the
biweekly meetings (held, cancelled by whom and why, missed), the match surveys, and the
supporters' training and supervision attendance. Named and dated as the other tables are
(pseudonymous ids; dates moved per person unless exact); free text passes the Redactor, and
a survey's postcode and coordinates stay out (the participant's home)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone

from logbooks.models import Meeting
from matching.models import MatchSurvey
from matching.models.survey import ANSWER_FIELDS
from programme.models import SessionInvitation, TrainingAttendance

from ..pseudonyms import case_pseudonym, participant_pseudonym, record_pseudonym
from .common import Dates, stream

# The survey's answers as exported: all of them (matching's own list, so a new question is
# exported too) but the home's location and the free texts, which follow redacted.
HOME = {"postcode", "latitude", "longitude"}
FREE_TEXT = ("motivation", "notes")
SURVEY_FIELDS = [name for name in ANSWER_FIELDS if name not in HOME and name not in FREE_TEXT]


def _cell(value):
    """A list answer as codes separated by ';'; anything else as it is."""
    return ";".join(str(v) for v in value) if isinstance(value, list) else value


def programme_tables(cases, people, *, dates: Dates, redact) -> Iterator[tuple[str, Iterable]]:
    def meetings():
        yield [
            "meeting_id",
            "case",
            "number",
            "planned_on",
            "status",
            "held_on",
            "duration_minutes",
            "cancelled_by",
            "cancel_reason",
            "cancel_note",
        ]
        rows = Meeting.objects.filter(pair__in=cases).order_by("pair_id", "sequence", "id")
        for m in stream(rows):
            yield [
                record_pseudonym("meeting", m.id),
                case_pseudonym(m.pair_id),
                m.sequence,
                dates.case(timezone.localdate(m.planned_at), m.pair_id),
                m.status,
                dates.case(m.held_on, m.pair_id) if m.held_on else "",
                m.duration_minutes,
                m.cancelled_by,
                m.cancel_reason,
                redact(m.cancel_note),
            ]

    def surveys():
        yield ["participant", "version", "saved_on", *SURVEY_FIELDS, *FREE_TEXT]
        rows = (
            MatchSurvey.objects.filter(participant__in=people, is_current=True)
            .select_related("participant")
            .order_by("participant_id")
        )
        for s in stream(rows):
            yield [
                participant_pseudonym(s.participant_id, s.participant.kind),
                s.version,
                dates.person(timezone.localdate(s.created_at), s.participant_id),
                *(_cell(getattr(s, name)) for name in SURVEY_FIELDS),
                *(redact(getattr(s, name)) for name in FREE_TEXT),
            ]

    def training():
        yield ["supporter", "course_id", "day", "day_on", "attended"]
        rows = (
            TrainingAttendance.objects.filter(participant__in=people)
            .select_related("day")
            .order_by("participant_id", "day__starts_at", "id")
        )
        for a in stream(rows):
            yield [
                participant_pseudonym(a.participant_id, "supporter"),
                record_pseudonym("course", a.day.course_id),
                a.day.number,
                dates.person(timezone.localdate(a.day.starts_at), a.participant_id),
                a.attended,
            ]

    def supervision():
        yield ["supporter", "session_id", "kind", "session_on", "attended"]
        rows = (
            SessionInvitation.objects.filter(participant__in=people)
            .select_related("session")
            .order_by("participant_id", "session__starts_at", "id")
        )
        for i in stream(rows):
            yield [
                participant_pseudonym(i.participant_id, "supporter"),
                record_pseudonym("session", i.session_id),
                i.session.kind,
                dates.person(timezone.localdate(i.session.starts_at), i.participant_id),
                "" if i.attended is None else i.attended,
            ]

    yield "meetings", meetings()
    yield "match_surveys", surveys()
    yield "training_attendance", training()
    yield "supervision_attendance", supervision()
