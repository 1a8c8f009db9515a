"""A meeting held earlier than planned (the same day, before its time) is a held meeting at once:
its logbook is on the supporter's "Logbooks to write" and on the pair's page, not only at its
URL; and a held meeting stays there until its logbook is submitted."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from logbooks import services
from logbooks.models import MeetingStatus

from .conftest import aware
from .test_views import FORM


def _dashboard(client) -> str:
    response = client.get(reverse("programme:supporter_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_meeting_held_before_its_time_is_a_logbook_to_write(client, supporter, started_pair):
    meeting = started_pair.meetings.get(sequence=1)
    day = timezone.localtime(meeting.planned_at).date()
    write_url = reverse("logbooks:logbook_edit", args=[meeting.pk])
    with time_machine.travel(aware(day.year, day.month, day.day, 8), tick=False):
        client.force_login(supporter)
        assert write_url not in _dashboard(client)  # not yet: it is still to come
        response = client.post(
            reverse("logbooks:meeting_outcome", args=[meeting.pk]),
            {"outcome": "held", "held_on": day.isoformat(), "duration_minutes": "45"},
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.HELD and meeting.planned_at > timezone.now()

        page = _dashboard(client)
        assert write_url in page, "the held meeting vanished from Logbooks to write"
        pair_page = client.get(reverse("logbooks:pair_detail", args=[started_pair.pk]))
        assert write_url in pair_page.content.decode()

        # A draft keeps it on the list; the submitted logbook takes it off.
        assert client.post(write_url, {**FORM, "action": "draft"}).status_code == 302
        assert write_url in _dashboard(client)
        assert client.post(write_url, {**FORM, "action": "submit"}).status_code == 302
        assert write_url not in _dashboard(client)


def test_a_held_meeting_without_a_submitted_logbook_is_always_listed(
    client, supporter, manager, started_pair
):
    """Whenever it was planned (past or still ahead) and however long ago it was held."""
    first, second = started_pair.meetings.filter(sequence__in=[1, 2]).order_by("sequence")
    second_day = timezone.localtime(second.planned_at).date()
    with time_machine.travel(aware(second_day.year, second_day.month, second_day.day, 7)):
        for meeting in (first, second):
            services.meeting_record_held(
                meeting=meeting, by=manager, held_on=timezone.localdate(), duration_minutes=30
            )
    for later in (dt.timedelta(hours=1), dt.timedelta(days=40)):
        moment = aware(second_day.year, second_day.month, second_day.day, 7) + later
        with time_machine.travel(moment, tick=False):
            client.force_login(supporter)
            page = _dashboard(client)
            for meeting in (first, second):
                assert reverse("logbooks:logbook_edit", args=[meeting.pk]) in page
