"""Every programme view checks role and object: allowed and refused, for each persona."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programme import services
from programme.models import Kind, SessionKind
from tests.conftest import make_participant

from .conftest import make_course

MANAGER_ONLY_LISTS = [
    "programme:participant_list",
    "programme:participant_create",
    "programme:funnel",
    "programme:round_list",
    "programme:course_list",
    "programme:course_create",
    "programme:waiting_for_training",
    "programme:session_create",
    "programme:session_series",
]
PARTICIPANT_PAGES = [
    "programme:participant_detail",
    "programme:participant_edit",
    "programme:participant_screen",
    "programme:participant_consent",
    "programme:participant_conversation",
    "programme:participant_withdraw",
]
NOT_MANAGERS = ["supporter", "nurse", "supervisor", "evaluator", "outsider"]


@pytest.fixture
def objects(site, other_site, programme_round, manager, supervisor):
    from programme.models import Round

    other_round = Round.objects.create(
        site=other_site, name="2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    start = timezone.now() - dt.timedelta(days=1)
    session = services.session_create(
        site=site,
        round=programme_round,
        kind=SessionKind.SUPERVISION,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Centre",
        leader=supervisor,
        by=manager,
    )
    other_session = services.session_create(
        site=other_site,
        round=other_round,
        kind=SessionKind.NETWORK,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Aarhus",
        by=manager,
    )
    return {
        "participant": make_participant(site, Kind.PEER),
        "course": make_course(site, programme_round, manager),
        "session": session,
        "other_session": other_session,
    }


@pytest.mark.parametrize("url_name", MANAGER_ONLY_LISTS)
def test_manager_opens_lists(client, manager, url_name):
    client.force_login(manager)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("persona", NOT_MANAGERS)
@pytest.mark.parametrize("url_name", MANAGER_ONLY_LISTS)
def test_other_roles_are_refused_lists(client, request, persona, url_name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", MANAGER_ONLY_LISTS + ["programme:my_sessions"])
def test_anonymous_goes_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", PARTICIPANT_PAGES)
def test_participant_pages_for_manager_and_other_site(
    client, manager, other_manager, objects, url_name
):
    url = reverse(url_name, args=[objects["participant"].pk])
    client.force_login(manager)
    assert client.get(url).status_code == 200
    client.force_login(other_manager)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_participant_page_refused_to_other_roles(client, request, persona, objects):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("programme:participant_detail", args=[objects["participant"].pk])
    assert client.get(url).status_code == 403


def test_course_pages(client, manager, other_manager, supporter, objects):
    course = objects["course"]
    day = course.days.get(number=1)
    urls = [
        reverse("programme:course_detail", args=[course.pk]),
        reverse("programme:course_invite", args=[course.pk]),
        reverse("programme:day_attendance", args=[day.pk]),
    ]
    for url in urls:
        client.force_login(manager)
        assert client.get(url).status_code == 200, url
        client.force_login(other_manager)
        assert client.get(url).status_code == 404, url
        client.force_login(supporter)
        assert client.get(url).status_code == 403, url


def test_session_page_for_manager_leader_and_others(
    client, manager, other_manager, supervisor, supporter, nurse, evaluator, objects
):
    from tests.conftest import make_user
    from tod.accounts.models import Role

    url = reverse("programme:session_detail", args=[objects["session"].pk])
    for user, status in [
        (manager, 200),
        (supervisor, 200),
        (other_manager, 404),
        (supporter, 403),
        (nurse, 403),
        (evaluator, 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    other_supervisor = make_user("other-supervisor", Role.SUPERVISOR, [objects["session"].site])
    client.force_login(other_supervisor)
    assert client.get(url).status_code == 404
    client.force_login(supervisor)
    other = reverse("programme:session_detail", args=[objects["other_session"].pk])
    assert client.get(other).status_code == 404


def test_supervisor_lists_only_the_sessions_they_lead(client, supervisor, objects):
    client.force_login(supervisor)
    page = client.get(reverse("programme:session_list") + "?when=past").content.decode()
    assert reverse("programme:session_detail", args=[objects["session"].pk]) in page
    assert reverse("programme:session_detail", args=[objects["other_session"].pk]) not in page


def test_supervisor_cannot_plan_or_invite(client, supervisor, objects):
    client.force_login(supervisor)
    assert client.get(reverse("programme:session_create")).status_code == 403
    url = reverse("programme:session_invite", args=[objects["session"].pk])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", ["manager", "nurse", "supervisor", "evaluator", "outsider"])
def test_my_sessions_is_for_supporters_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programme:my_sessions")).status_code == 403


def test_bad_ids_are_404_not_500(client, manager):
    client.force_login(manager)
    assert client.get("/programme/participants/999999/").status_code == 404
    assert client.get("/programme/sessions/999999/").status_code == 404
    assert client.get("/programme/courses/999999/").status_code == 404
    response = client.post(reverse("programme:topic_take_up", args=[1]), {"session": "abc"})
    assert response.status_code == 404
