"""The participant page: what each panel shows, now that it is read in a fixed few queries."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from programme.models import (
    ConsentPurpose,
    ConsentText,
    Kind,
    Session,
    SessionInvitation,
    SessionKind,
)
from tests.conftest import make_participant

from .conftest import make_course, train


def test_participant_page_shows_training_sessions_consent_and_twins(
    client, manager, site, programme_round, ready_supporter
):
    absent_course = make_course(site, programme_round, manager, name="Second course")
    train(ready_supporter, absent_course, manager, days=(1,))
    starts = timezone.make_aware(dt.datetime(2026, 3, 3, 17, 0))
    session = Session.objects.create(
        site=site,
        round=programme_round,
        kind=SessionKind.SUPERVISION,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        place="Room 4",
        created_by=manager,
    )
    SessionInvitation.objects.create(session=session, participant=ready_supporter, attended=False)
    current = ConsentText.objects.current(ConsentPurpose.PROGRAMME, site=site)
    ConsentText.objects.create(
        site=site,
        purpose=ConsentPurpose.PROGRAMME,
        version=current.version + 1,
        title="New",
        body="New text",
        valid_from=dt.date(2026, 5, 1),
    )
    twin = make_participant(
        site, Kind.SUPPORTER, first_name="ready", last_name="SUPPORTER", round=programme_round
    )
    client.force_login(manager)

    response = client.get(ready_supporter.get_absolute_url())

    assert response.context["eligible"] is True
    assert list(response.context["duplicates"]) == [twin]
    programme = next(row for row in response.context["consents"] if row["consent"])
    assert programme["outdated"] is True
    assert response.context["withdrawal"] is None
    timeline = response.context["timeline"]
    with translation.override("da"):
        titles = [str(event.title) for event in timeline]
        assert sum("Second course" in title for title in titles) == 3  # invited, two days
        absent = f"{absent_course.days.get(number=2).get_number_display()} af Second course"
        assert any(title.startswith(absent) for title in titles), titles
        session_event = next(event for event in timeline if event.kind == "session")
        assert (
            session_event.title
            == f"{SessionKind.SUPERVISION.label}: {translation.gettext('absent')}"
        )
    assert session_event.detail == "Room 4"
    assert [event.sort_key for event in timeline] == sorted(event.sort_key for event in timeline)


def test_participant_page_without_twins_or_training(client, manager, ready_peer):
    client.force_login(manager)

    response = client.get(ready_peer.get_absolute_url())

    assert response.context["eligible"] is True
    assert list(response.context["duplicates"]) == []
    assert all(not row["outdated"] for row in response.context["consents"])
    assert not [event for event in response.context["timeline"] if event.kind == "training"]
