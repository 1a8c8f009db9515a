"""List pages and panels run a constant number of queries: 5 rows or 500, the same bound."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse

from programme import panels
from programme.models import (
    Consent,
    ConsentPurpose,
    ConsentText,
    Course,
    CourseInvitation,
    Kind,
    Participant,
    Screening,
    Session,
    SessionInvitation,
    SessionKind,
    TrainingAttendance,
    TrainingDay,
)

SIZES = [5, 500]
BOUND = 10  # session, user and middleware, then the page's own few queries


def populate(site, programme_round, manager, size: int) -> None:
    people = Participant.objects.bulk_create(
        Participant(
            site=site,
            round=programme_round,
            kind=Kind.SUPPORTER if index % 2 else Kind.PEER,
            first_name=f"First{index}",
            last_name=f"Last{index}",
            date_of_birth=dt.date(1960, 1, 1),
            sex="female",
            referral_channel="centre_for_diabetes",
        )
        for index in range(size)
    )
    text = ConsentText.objects.current(ConsentPurpose.PROGRAMME, site=site)
    Consent.objects.bulk_create(
        Consent(
            participant=p,
            purpose=ConsentPurpose.PROGRAMME,
            decision="given",
            text=text,
            decided_on=dt.date(2026, 1, 1),
            method="written",
            recorded_by=manager,
        )
        for p in people
    )
    Screening.objects.bulk_create(
        Screening(
            participant=p,
            screened_on=dt.date(2026, 1, 1),
            screened_by=manager,
            derived_result="eligible",
            result="eligible",
        )
        for p in people
    )
    courses = Course.objects.bulk_create(
        Course(
            site=site,
            round=programme_round,
            name=f"Course {i}",
            trainer="T",
            capacity=size,
            created_by=manager,
        )
        for i in range(size)
    )
    start = dt.datetime(2026, 2, 2, 8, tzinfo=dt.UTC)
    days = TrainingDay.objects.bulk_create(
        TrainingDay(
            course=c,
            number=n,
            starts_at=start + dt.timedelta(days=7 * n),
            ends_at=start + dt.timedelta(days=7 * n, hours=6),
            place="Centre",
        )
        for c in courses
        for n in (1, 2)
    )
    supporters = [p for p in people if p.kind == Kind.SUPPORTER]
    CourseInvitation.objects.bulk_create(
        CourseInvitation(course=courses[0], participant=p, invited_by=manager) for p in supporters
    )
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(day=days[0], participant=p, attended=True, recorded_by=manager)
        for p in supporters
    )
    sessions = Session.objects.bulk_create(
        Session(
            site=site,
            round=programme_round,
            kind=SessionKind.NETWORK,
            starts_at=start + dt.timedelta(days=i) + dt.timedelta(days=200 * (i % 2)),
            ends_at=start + dt.timedelta(days=i, hours=2) + dt.timedelta(days=200 * (i % 2)),
            place="Centre",
            created_by=manager,
        )
        for i in range(size)
    )
    SessionInvitation.objects.bulk_create(
        SessionInvitation(session=s, participant=p, attended=True)
        for s in sessions[:3]
        for p in supporters
    )


PAGES = [
    ("programme:participant_list", {}),
    ("programme:participant_list", {"q": "First", "kind": "peer"}),
    ("programme:funnel", {}),
    ("programme:course_list", {}),
    ("programme:waiting_for_training", {}),
    ("programme:session_list", {"when": "upcoming"}),
    ("programme:session_list", {"when": "past"}),
    ("programme:dashboard", {}),
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("url_name,params", PAGES)
def test_list_pages_run_constant_queries(
    client, manager, site, programme_round, django_assert_max_num_queries, size, url_name, params
):
    populate(site, programme_round, manager, size)
    client.force_login(manager)
    with django_assert_max_num_queries(BOUND + (20 if url_name == "programme:dashboard" else 0)):
        response = client.get(reverse(url_name), params)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_participant_list_paginates(client, manager, site, programme_round, size):
    populate(site, programme_round, manager, size)
    client.force_login(manager)
    response = client.get(reverse("programme:participant_list"))
    assert len(response.context["page"].object_list) == min(size, 25)
    last = client.get(reverse("programme:participant_list"), {"page": "999"})
    assert last.status_code == 200


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "persona,dashboard", [("manager", "manager"), ("supervisor", "supervisor")]
)
def test_panels_run_constant_queries(
    request, site, programme_round, manager, django_assert_max_num_queries, size, persona, dashboard
):
    populate(site, programme_round, manager, size)
    http = RequestFactory().get("/")
    http.user = request.getfixturevalue(persona)
    with django_assert_max_num_queries(8):
        for panel in panels.panels(http, dashboard):
            assert panel.template_name


@pytest.mark.parametrize("size", SIZES)
def test_my_sessions_constant_queries(
    client, site, programme_round, manager, supporter, django_assert_max_num_queries, size
):
    populate(site, programme_round, manager, size)
    me = Participant.objects.get(user=supporter)
    SessionInvitation.objects.bulk_create(
        SessionInvitation(session=s, participant=me, attended=True) for s in Session.objects.all()
    )
    client.force_login(supporter)
    with django_assert_max_num_queries(BOUND):
        assert client.get(reverse("programme:my_sessions")).status_code == 200
