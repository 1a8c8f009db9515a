"""A pair completes when its plan is over only if something happened in it: every meeting's
outcome recorded and at least one meeting held. Otherwise it waits on the manager's dashboard
("Udfald mangler") until the manager records the outcomes or ends it early with a reason, and
until then it is no completed case for the evaluation."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from evaluation.reports import recruitment_funnel
from logbooks import services
from logbooks.models import CancelledBy, CancelReason, MeetingStatus, Pair, PairStatus
from programme.models import Status

from .conftest import aware

AFTER_THE_PLAN = aware(2026, 9, 4, 12)  # the plan's last meeting was on 27 August


def dashboard(client, manager) -> str:
    client.force_login(manager)
    response = client.get(reverse("programme:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def funnel_completed(manager) -> tuple[int, int]:
    step = next(row for row in recruitment_funnel(manager) if row["step"] == "completed")
    return step["peers"], step["supporters"]


def test_a_plan_without_recorded_outcomes_waits_for_the_manager(
    client, manager, started_pair, frozen
):
    frozen.move_to(AFTER_THE_PLAN)
    assert services.pairs_complete_due() == 0
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.ACTIVE
    assert funnel_completed(manager) == (0, 0)

    page = dashboard(client, manager)
    assert "Udfald mangler" in page
    assert reverse("logbooks:pair_detail", args=[started_pair.pk]) in page
    assert "13 møder uden registreret udfald" in page and "intet møde holdt" in page

    # The manager records what happened; the next hourly run completes the pair.
    for meeting in started_pair.meetings.all():
        day = timezone.localtime(meeting.planned_at).date()
        services.meeting_record_held(meeting=meeting, by=manager, held_on=day)
    assert services.pairs_complete_due() == 1
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.COMPLETED
    assert funnel_completed(manager) == (1, 1)
    assert "Udfald mangler" not in dashboard(client, manager)


def test_one_missing_outcome_is_enough_to_wait(client, manager, started_pair, frozen):
    frozen.move_to(AFTER_THE_PLAN)
    meetings = list(started_pair.meetings.order_by("planned_at"))
    for meeting in meetings[:-1]:
        day = timezone.localtime(meeting.planned_at).date()
        services.meeting_record_held(meeting=meeting, by=manager, held_on=day)
    assert services.pairs_complete_due() == 0
    page = dashboard(client, manager)
    assert "1 møde uden registreret udfald" in page and "intet møde holdt" not in page


def test_no_held_meeting_waits_and_ending_it_with_a_reason_clears_it(
    client, manager, started_pair, frozen
):
    frozen.move_to(AFTER_THE_PLAN)
    for meeting in started_pair.meetings.all():
        services.meeting_record_cancelled(
            meeting=meeting,
            by=manager,
            cancelled_by=CancelledBy.PEER,
            reason=CancelReason.PEER_HEALTH,
        )
    assert services.pairs_complete_due() == 0
    page = dashboard(client, manager)
    assert "Udfald mangler" in page and "intet møde holdt" in page

    url = reverse("logbooks:pair_end", args=[started_pair.pk])
    response = client.post(url, {"completed": "1", "reason": ""}, follow=True)
    assert "Parret kan ikke gennemføres: intet møde holdt" in response.content.decode()
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.ACTIVE

    client.post(url, {"completed": "0", "reason": "Bent was ill the whole time"})
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.ENDED
    assert "Udfald mangler" not in dashboard(client, manager)
    assert funnel_completed(manager) == (0, 0)


def test_the_manager_cannot_complete_a_pair_with_meetings_left_unrecorded(
    client, manager, started_pair, frozen
):
    frozen.move_to(aware(2026, 5, 1, 12))  # four meetings were due, none recorded
    client.force_login(manager)
    url = reverse("logbooks:pair_end", args=[started_pair.pk])
    response = client.post(url, {"completed": "1", "reason": ""}, follow=True)
    assert "4 møder har intet udfald registreret" in response.content.decode()
    started_pair.refresh_from_db()
    assert started_pair.status == PairStatus.ACTIVE


@pytest.mark.parametrize("run", [1, 2])
def test_the_demos_completed_pairs_held_their_meetings_and_wrote_logbooks(db, run):
    with time_machine.travel(aware(2026, 11, 16, 12), tick=False):
        for _ in range(run):  # seeding again changes nothing
            call_command("seed_demo", stdout=io.StringIO())
    completed = Pair.objects.filter(status=PairStatus.COMPLETED).annotate(
        held=Count("meetings", filter=Q(meetings__status=MeetingStatus.HELD)),
        unrecorded=Count(
            "meetings",
            filter=Q(
                meetings__status=MeetingStatus.PLANNED, meetings__planned_at__lt=timezone.now()
            ),
        ),
        logbooks=Count("meetings__logbook"),
    )
    assert completed.count() >= 6
    for pair in completed:
        # A substitute's pair held the meetings after the first supporter's: the case held all.
        before = (
            pair.previous_pair.meetings.filter(status=MeetingStatus.HELD).count()
            if (pair.previous_pair_id)
            else 0
        )
        held = pair.held + before
        assert held >= 10 and pair.unrecorded == 0, (pair, held, pair.unrecorded)
        assert pair.logbooks == pair.held, pair
    people = {p.peer.status for p in completed} | {p.supporter.status for p in completed}
    assert people <= {Status.COMPLETED, Status.ACTIVE}
