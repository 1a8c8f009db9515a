"""The CSV export holds the programme's records of its cases (issue 18: complete exports):
meetings with their outcome and who cancelled and why, the match surveys without the home's
postcode, and the supporters' training and supervision attendance, all pseudonymised."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from django.urls import reverse
from django.utils import timezone

from logbooks.factories import MeetingFactory
from logbooks.models import MeetingStatus
from matching.factories import MatchSurveyFactory
from programme.factories import (
    CourseFactory,
    SessionFactory,
    TrainingDayFactory,
    at,
)
from programme.models import SessionInvitation, TrainingAttendance
from programme.models.supervision import SessionKind

from .conftest import PEER_VALUES


def _tables(client) -> dict[str, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("evaluation:export_csv")).getvalue()))
    return {
        n.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(n).decode())))
        for n in archive.namelist()
        if n.endswith(".csv")
    }


def test_the_export_holds_the_meetings_surveys_and_attendance_of_its_cases(
    client, evaluator, manager, full_case, programme_round
):
    MeetingFactory.create(
        pair=full_case,
        sequence=2,
        planned_at=timezone.now(),
        status=MeetingStatus.CANCELLED,
        cancelled_by="supporter",
        cancel_reason="supporter_health",
        cancel_note=f"{PEER_VALUES['first_name']} was told by phone",
    )
    MatchSurveyFactory.create(participant=full_case.peer, postcode="2200", motivation="Company")
    supporter = full_case.supporter
    course = CourseFactory.create(site=full_case.site, round=programme_round, created_by=manager)
    day = TrainingDayFactory.create(course=course, starts_at=at(dt.date(2026, 1, 12), 9))
    TrainingAttendance.objects.create(
        day=day, participant=supporter, attended=True, recorded_by=manager
    )
    session = SessionFactory.create(
        site=full_case.site, round=programme_round, kind=SessionKind.NETWORK, created_by=manager
    )
    SessionInvitation.objects.create(session=session, participant=supporter, attended=False)
    client.force_login(evaluator)

    tables = _tables(client)

    cancelled = next(m for m in tables["meetings"] if m["status"] == "cancelled")
    assert (cancelled["cancelled_by"], cancelled["cancel_reason"]) == (
        "supporter",
        "supporter_health",
    )
    assert PEER_VALUES["first_name"] not in cancelled["cancel_note"]
    assert cancelled["cancel_note"].endswith("was told by phone")
    assert {m["status"] for m in tables["meetings"]} == {"held", "cancelled"}
    (survey,) = [s for s in tables["match_surveys"] if s["participant"].startswith("P-")]
    assert survey["motivation"] == "Company"
    assert "postcode" not in survey and "2200" not in survey.values()
    (attended,) = tables["training_attendance"]
    assert attended["supporter"].startswith("S-") and attended["attended"] == "True"
    assert attended["course_id"].startswith("TR-")
    (invited,) = tables["supervision_attendance"]
    assert (invited["kind"], invited["attended"]) == ("network", "False")
