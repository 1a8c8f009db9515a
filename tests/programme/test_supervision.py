"""Supervision sessions and network meetings: planning, attendance, dilemmas, topics."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from programme import services
from programme.models import (
    Dilemma,
    FollowUpAction,
    Participant,
    Session,
    SessionInvitation,
    SessionKind,
    SuggestedTopic,
)


def plan(site, programme_round, manager, starts_at, kind=SessionKind.SUPERVISION, leader=None):
    return services.session_create(
        site=site,
        round=programme_round,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        place="Centre",
        leader=leader,
        by=manager,
    )


def test_series_is_bimonthly_at_the_same_local_time(
    client, manager, supervisor, programme_round, ready_supporter
):
    client.force_login(manager)
    response = client.post(
        reverse("programme:session_series"),
        {
            "site": programme_round.site_id,
            "round": programme_round.pk,
            "kind": SessionKind.SUPERVISION,
            "starts_at": "2026-08-31T16:00",
            "duration": "120",
            "place": "Centre for Diabetes",
            "leader": supervisor.pk,
            "count": "6",
            "every_months": "2",
        },
    )
    assert response.status_code == 302
    sessions = list(Session.objects.order_by("starts_at"))
    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert [(t.month, t.day, t.hour) for t in local] == [
        (8, 31, 16),
        (10, 31, 16),
        (12, 31, 16),
        (2, 28, 16),
        (4, 30, 16),
        (6, 30, 16),
    ]
    assert len({s.series for s in sessions}) == 1
    assert all(s.leader == supervisor for s in sessions)
    # Trained supporters are invited to every session.
    assert SessionInvitation.objects.filter(participant=ready_supporter).count() == 6
    assert list(Session.objects.upcoming())[0] == sessions[0]


def test_series_in_the_past_or_supervision_without_leader_is_refused(
    client, manager, programme_round
):
    client.force_login(manager)
    response = client.post(
        reverse("programme:session_series"),
        {
            "site": programme_round.site_id,
            "round": programme_round.pk,
            "kind": SessionKind.SUPERVISION,
            "starts_at": "2026-01-01T16:00",
            "duration": "120",
            "place": "Centre",
            "count": "6",
            "every_months": "2",
        },
    )
    errors = response.context["form"].errors
    assert "starts_at" in errors and "leader" in errors
    assert not Session.objects.exists()


def test_attendance_only_for_invited_supporters(
    client, manager, site, programme_round, ready_supporter, other_supporter
):
    session = plan(site, programme_round, manager, timezone.now() - dt.timedelta(hours=3))
    stranger = Participant.objects.get(user=other_supporter)
    with pytest.raises(ValidationError):
        services.session_attendance_record(
            session=session, attended={stranger.pk: True}, by=manager
        )
    client.force_login(manager)
    client.post(
        reverse("programme:session_attendance", args=[session.pk]),
        {f"p{ready_supporter.pk}": "on", f"p{stranger.pk}": "on"},
    )
    assert list(session.invitations.values_list("participant_id", "attended")) == [
        (ready_supporter.pk, True)
    ]


def test_attendance_before_the_session_is_refused(
    client, manager, site, programme_round, ready_supporter
):
    session = plan(site, programme_round, manager, timezone.now() + dt.timedelta(days=3))
    client.force_login(manager)
    response = client.post(
        reverse("programme:session_attendance", args=[session.pk]),
        {f"p{ready_supporter.pk}": "on"},
    )
    assert response.status_code == 200
    assert session.invitations.get().attended is None


def test_supervisor_records_notes_dilemmas_and_actions(
    client, manager, supervisor, site, programme_round
):
    session = plan(
        site, programme_round, manager, timezone.now() - dt.timedelta(hours=3), leader=supervisor
    )
    client.force_login(supervisor)
    client.post(reverse("programme:session_notes", args=[session.pk]), {"notes": "Good discussion"})
    client.post(
        reverse("programme:session_dilemma", args=[session.pk]),
        {"theme": "role", "text": "My peer never answers the phone"},
    )
    client.post(
        reverse("programme:session_action", args=[session.pk]),
        {"text": "Call the peer's home care", "responsible": "Maria", "due_on": "2026-06-15"},
    )
    session.refresh_from_db()
    assert session.notes == "Good discussion"
    assert Dilemma.objects.get().theme == "role"
    action = FollowUpAction.objects.get()
    client.post(reverse("programme:action_done", args=[action.pk]), {"done": "1"})
    action.refresh_from_db()
    assert action.done_at is not None
    page = client.get(session.get_absolute_url()).content.decode()
    assert "My peer never answers the phone" in page
    # A bad dilemma is a form error, not a 500.
    response = client.post(
        reverse("programme:session_dilemma", args=[session.pk]), {"theme": "x", "text": ""}
    )
    assert response.status_code == 200


def test_support_request_becomes_a_suggested_topic(
    client, manager, supervisor, site, other_site, programme_round
):
    session = plan(
        site, programme_round, manager, timezone.now() + dt.timedelta(days=10), leader=supervisor
    )
    topic = services.supervision_topic_suggest(
        site=site,
        text="How do I support a peer who has lost his job?",
        source_label="Logbook 12 May",
        by=manager,
    )
    services.supervision_topic_suggest(
        site=other_site, text="Aarhus topic", source_label="Logbook", by=manager
    )
    client.force_login(supervisor)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "lost his job" in page and "Aarhus topic" not in page
    client.post(reverse("programme:topic_take_up", args=[topic.pk]), {"session": session.pk})
    topic.refresh_from_db()
    assert topic.session == session
    assert session.dilemmas.get().text == topic.text
    assert not SuggestedTopic.objects.filter(site=site).open().exists()


def test_supporter_sees_own_upcoming_and_attended_sessions(
    client, manager, site, programme_round, supporter, other_supporter
):
    mine = Participant.objects.get(user=supporter)
    theirs = Participant.objects.get(user=other_supporter)
    from .conftest import consent

    consent(mine, manager)
    consent(theirs, manager)
    past = plan(site, programme_round, manager, timezone.now() - dt.timedelta(days=20))
    missed = plan(site, programme_round, manager, timezone.now() - dt.timedelta(days=80))
    future = plan(
        site, programme_round, manager, timezone.now() + dt.timedelta(days=20), SessionKind.NETWORK
    )
    other_only = plan(site, programme_round, manager, timezone.now() + dt.timedelta(days=30))
    for session in (past, missed, future):
        services.session_invite(session=session, participants=[mine], by=manager)
    services.session_invite(session=other_only, participants=[theirs], by=manager)
    services.session_attendance_record(session=past, attended={mine.pk: True}, by=manager)
    services.session_attendance_record(session=missed, attended={mine.pk: False}, by=manager)
    client.force_login(supporter)
    response = client.get(reverse("programme:my_sessions"))
    assert [i.session for i in response.context["upcoming"]] == [future]
    assert [i.session for i in response.context["page"].object_list] == [past]
    home = client.get(reverse("programme:supporter_home")).content.decode()
    assert "Network meeting" in home or "Netværksmøde" in home
    # A supporter cannot open the staff session page, even for their own session.
    assert client.get(past.get_absolute_url()).status_code == 403


def test_manager_cancels_a_future_session_and_reminders_skip_it(
    client, manager, supervisor, site, programme_round, ready_supporter, supporter
):
    future = plan(site, programme_round, manager, timezone.now() + dt.timedelta(days=5))
    past = plan(site, programme_round, manager, timezone.now() - dt.timedelta(days=5))
    client.force_login(supervisor)
    assert client.post(reverse("programme:session_cancel", args=[future.pk])).status_code == 403
    client.force_login(manager)
    client.post(reverse("programme:session_cancel", args=[future.pk]))
    future.refresh_from_db()
    assert future.cancelled_at is not None
    assert not Session.objects.upcoming().exists()
    client.post(reverse("programme:session_cancel", args=[past.pk]))
    past.refresh_from_db()
    assert past.cancelled_at is None


def test_manager_moves_a_session(client, manager, supervisor, other_manager, site, programme_round):
    session = plan(
        site, programme_round, manager, timezone.now() + dt.timedelta(days=5), leader=supervisor
    )
    url = reverse("programme:session_edit", args=[session.pk])
    client.force_login(other_manager)
    assert client.get(url).status_code == 404
    client.force_login(supervisor)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"starts_at": "2026-06-10T17:00", "duration": "90", "place": "Library", "leader": ""},
    )
    assert "leader" in response.context["form"].errors  # supervision needs its supervisor
    client.post(
        url,
        {
            "starts_at": "2026-06-10T17:00",
            "duration": "90",
            "place": "Library",
            "leader": supervisor.pk,
        },
    )
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).hour == 17
    assert session.ends_at - session.starts_at == dt.timedelta(minutes=90)
    assert session.place == "Library"
