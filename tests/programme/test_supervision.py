"""Supervision sessions and network meetings: planning, attendance, dilemmas, topics."""

import datetime as dt

import pytest
import time_machine
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
    TopicSource,
)
from tests.browser import log_in
from tests.conftest import PASSWORD


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


# --- the supervisor's reading: topics, dates, words ----------------------------------------------


def local(year, month, day, hour=16, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def test_a_support_request_reads_as_what_it_is_never_whose(
    client, manager, supervisor, supporter, site, programme_round
):
    from logbooks import services as logbooks_services
    from tests.logbooks.conftest import make_pair
    from tests.logbooks.test_logbook import ANSWERS

    pair = make_pair(site, supporter, last_name="Kristiansen")  # Bent Kristiansen
    logbooks_services.pair_start(
        pair=pair,
        match_meeting_on=dt.date(2026, 4, 7),
        by=manager,
        weekday=3,
        time=dt.time(10),
        place="Café",
    )
    logbooks_services.logbook_save(
        meeting=pair.meetings.get(sequence=3),
        by=supporter,
        answers={
            **ANSWERS,
            "needs_support": True,
            "support_with": "BENT will not talk about money. How do I help Bent Kristiansen?",
        },
        submit=True,
    )
    session = plan(site, programme_round, manager, local(2026, 6, 3), leader=supervisor)
    SessionInvitation.objects.create(session=session, participant=pair.supporter)
    client.force_login(supervisor)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Støtteanmodning fra logbog, 3. møde" in html
    assert "[peer] will not talk about money. How do I help [peer]?" in html
    assert "logbook:" not in html
    assert "Bent" not in html and "Kristiansen" not in html and "BENT" not in html
    # Taken up, it reads the same among the session's topics.
    topic = SuggestedTopic.objects.get()
    client.post(reverse("programme:topic_take_up", args=[topic.pk]), {"session": session.pk})
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Støtteanmodning fra logbog, 3. møde" in html and "logbook:" not in html


def test_a_topic_raised_after_a_session_is_not_offered_to_it(
    client, manager, supervisor, site, programme_round
):
    earlier = plan(site, programme_round, manager, local(2026, 5, 20), leader=supervisor)
    later = plan(site, programme_round, manager, local(2026, 6, 10), leader=supervisor)
    raised = {}
    for text, at in (
        ("Before the day", local(2026, 5, 18, 9)),
        ("The same evening", local(2026, 5, 20, 21)),
        ("Five days after", local(2026, 5, 25, 9)),
    ):
        with time_machine.travel(at, tick=False):
            raised[text] = services.supervision_topic_suggest(site=site, text=text, by=manager)
    client.force_login(supervisor)
    html = client.get(earlier.get_absolute_url()).content.decode()
    assert "Before the day" in html and "The same evening" in html
    assert "Five days after" not in html
    html = client.get(later.get_absolute_url()).content.decode()
    assert all(text in html for text in raised)
    # Taken up at the earlier session all the same (a forged form): refused, still open.
    response = client.post(
        reverse("programme:topic_take_up", args=[raised["Five days after"].pk]),
        {"session": earlier.pk},
        follow=True,
    )
    assert "Emnet blev rejst efter dette møde." in response.content.decode()
    raised["Five days after"].refresh_from_db()
    assert raised["Five days after"].session is None and not earlier.dilemmas.exists()


def test_session_headings_use_the_danish_date_format(
    client, manager, supervisor, site, programme_round
):
    session = plan(site, programme_round, manager, local(2026, 5, 20), leader=supervisor)
    client.force_login(supervisor)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "<title>Supervision · 20.05.2026 16:00 · " in html
    assert (
        '<li class="breadcrumb-item active" aria-current="page">Supervision · 20.05.2026 16:00'
        in html
    )
    attendance = client.get(reverse("programme:session_attendance", args=[session.pk]))
    assert "Fremmøde: Supervision · 20.05.2026 16:00" in attendance.content.decode()
    for page in (html, attendance.content.decode()):
        assert "2026-05-20" not in page


# Words of the page that a line break splits: each word's text range lies on more than one line
# (a compound may break after its hyphen: "peer-" "støtter" are two words here).
_BROKEN_WORDS = """(root) => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const box = node.parentElement.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown (closed <details>, hidden)
    for (const match of node.textContent.matchAll(/[^\\s-]{2,}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.bottom)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["phone", "tablet", "desktop"])
def test_danish_words_on_the_session_page_never_break_mid_word(
    open_page, viewport, manager, supervisor, site, programme_round
):
    session = plan(
        site,
        programme_round,
        manager,
        timezone.now() - dt.timedelta(hours=3),
        leader=supervisor,
    )
    services.action_record(
        session=session,
        text="Ring til kommunen om kørsel til møderne, og tal med lægen om medicinen",
        responsible="Projektlederen",
        due_on=dt.date(2026, 6, 15),
        by=manager,
    )
    services.dilemma_record(
        session=session, theme="boundaries", text="Hvor meget skal jeg hjælpe?", by=manager
    )
    services.supervision_topic_suggest(
        site=site,
        text="Min peer vil ikke tale om sin økonomi",
        source=TopicSource.SUPPORT_REQUEST,
        meeting_number=3,
        by=manager,
    )
    page = open_page(viewport)
    log_in(page, supervisor.username, PASSWORD)
    page.goto(session.get_absolute_url())
    assert page.get_by_role("button", name="Udført").is_visible()
    assert page.locator("main").evaluate(_BROKEN_WORDS) == []
    page.goto(reverse("programme:session_list") + "?when=past")
    assert page.locator("main").evaluate(_BROKEN_WORDS) == []


def test_a_supervisor_reads_only_the_support_requests_of_the_sessions_they_lead(
    client, manager, supervisor, supporter, site, programme_round
):
    """Two supervisors of one site, each leading a group: a support request is offered on the
    sessions its supporter is invited to, without the peer's name (genitive included); the
    other supervisor neither reads it (page, home count) nor takes it up or dismisses it. The
    manager, who plans, reads every open topic of the site."""
    from logbooks import services as logbooks_services
    from tests.conftest import make_user
    from tests.logbooks.conftest import make_pair
    from tests.logbooks.test_logbook import ANSWERS
    from tod.accounts.models import Role

    pair = make_pair(site, supporter, last_name="Kristiansen")  # Bent Kristiansen
    logbooks_services.pair_start(
        pair=pair,
        match_meeting_on=dt.date(2026, 4, 7),
        by=manager,
        weekday=3,
        time=dt.time(10),
        place="Café",
    )
    logbooks_services.logbook_save(
        meeting=pair.meetings.get(sequence=3),
        by=supporter,
        answers={
            **ANSWERS,
            "needs_support": True,
            "support_with": "Bents datter ringer hver dag. Kristiansens læge siger nej.",
        },
        submit=True,
    )
    services.supervision_topic_suggest(site=site, text="Roles and limits", by=manager)
    mine = plan(site, programme_round, manager, local(2026, 6, 3), leader=supervisor)
    SessionInvitation.objects.create(session=mine, participant=pair.supporter)
    colleague = make_user("supervisor-2", Role.SUPERVISOR, [site])
    theirs = plan(site, programme_round, manager, local(2026, 6, 3), leader=colleague)
    request = SuggestedTopic.objects.get(source=TopicSource.SUPPORT_REQUEST)

    client.force_login(supervisor)
    html = client.get(mine.get_absolute_url()).content.decode()
    assert "[peer] datter ringer hver dag. [peer] læge siger nej." in html
    assert "Bent" not in html and "Kristiansen" not in html
    assert "Roles and limits" in html

    client.force_login(colleague)
    html = client.get(theirs.get_absolute_url()).content.decode()
    assert "datter ringer" not in html and "Roles and limits" in html
    home = client.get(reverse("programme:supervisor_home"))
    assert home.status_code == 200
    assert SuggestedTopic.objects.visible_to(colleague).open().count() == 1
    dismiss = reverse("programme:topic_dismiss", args=[request.pk])
    take_up = reverse("programme:topic_take_up", args=[request.pk])
    assert client.post(dismiss, {"session": theirs.pk}).status_code == 404
    assert client.post(take_up, {"session": theirs.pk}).status_code == 404
    request.refresh_from_db()
    assert request.dismissed_at is None and request.session is None

    client.force_login(manager)
    html = client.get(theirs.get_absolute_url()).content.decode()
    assert "datter ringer" in html  # the manager plans with every open topic
    client.force_login(supervisor)
    assert client.post(dismiss, {"session": mine.pk}).status_code == 302
    request.refresh_from_db()
    assert request.dismissed_at is not None
