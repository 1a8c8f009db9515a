"""The two-day training course: invitations, capacity, attendance and the waiting list."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from programme import services
from programme.models import Course, Kind, Participant, Status, TrainingDay
from tests.conftest import make_participant

from .conftest import consent, make_course


def course_post(programme_round, **overrides):
    data = {
        "site": programme_round.site_id,
        "round": programme_round.pk,
        "name": "Autumn course",
        "trainer": "Lene Holm",
        "capacity": "10",
        "day1_starts_at": "2026-09-07T09:00",
        "day1_ends_at": "2026-09-07T15:00",
        "day1_place": "Centre for Diabetes",
        "day2_starts_at": "2026-09-14T09:00",
        "day2_ends_at": "2026-09-14T15:00",
        "day2_place": "Centre for Diabetes",
    }
    data.update(overrides)
    return data


def test_manager_creates_a_course_with_two_days(client, manager, programme_round):
    client.force_login(manager)
    response = client.post(reverse("programme:course_create"), course_post(programme_round))
    course = Course.objects.get()
    assert response["Location"] == course.get_absolute_url()
    days = list(course.days.order_by("number"))
    assert [d.number for d in days] == [1, 2]
    assert days[0].starts_at == dt.datetime(2026, 9, 7, 7, 0, tzinfo=dt.UTC)  # Copenhagen, CEST
    assert list(TrainingDay.objects.upcoming()) == days


def test_day_two_before_day_one_is_a_form_error(client, manager, programme_round):
    client.force_login(manager)
    response = client.post(
        reverse("programme:course_create"),
        course_post(
            programme_round,
            day2_starts_at="2026-09-01T09:00",
            day2_ends_at="2026-09-01T08:00",
            capacity="0",
        ),
    )
    errors = response.context["form"].errors
    assert {"day2_starts_at", "day2_ends_at", "capacity"} <= set(errors)
    assert not Course.objects.exists()


def test_only_consented_supporters_can_be_invited(client, manager, site, programme_round):
    course = make_course(site, programme_round, manager)
    no_consent = make_participant(site, Kind.SUPPORTER, first_name="No", last_name="Consent")
    ok = make_participant(site, Kind.SUPPORTER, first_name="Has", last_name="Consent")
    consent(ok, manager)
    peer = make_participant(site, Kind.PEER, first_name="A", last_name="Peer")
    consent(peer, manager)
    client.force_login(manager)
    url = reverse("programme:course_invite", args=[course.pk])
    page = client.get(url).content.decode()
    assert "Has Consent" in page and "No Consent" not in page and "A Peer" not in page
    response = client.post(url, {"participants": [no_consent.pk]})
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors
    assert client.post(url, {"participants": [ok.pk]}).status_code == 302
    assert course.invitations.get().participant == ok
    with pytest.raises(ValidationError):
        services.course_invite(course=course, participants=[no_consent], by=manager)


def test_capacity_is_respected(manager, site, programme_round):
    course = make_course(site, programme_round, manager)
    course.capacity = 1
    course.save()
    a, b = (make_participant(site, Kind.SUPPORTER) for _ in range(2))
    consent(a, manager)
    consent(b, manager)
    services.course_invite(course=course, participants=[a], by=manager)
    assert services.course_invite(course=course, participants=[a], by=manager) == 0
    with translation.override("en"), pytest.raises(ValidationError, match="room for 1"):
        services.course_invite(course=course, participants=[b], by=manager)


def test_attendance_only_for_invited_and_after_start(client, manager, site, programme_round):
    start = dt.datetime(2026, 5, 4, 7, tzinfo=dt.UTC)
    course = make_course(site, programme_round, manager, start=start)
    invited = make_participant(site, Kind.SUPPORTER, first_name="Invited", last_name="One")
    stranger = make_participant(site, Kind.SUPPORTER, first_name="Not", last_name="Invited")
    for person in (invited, stranger):
        consent(person, manager)
    services.course_invite(course=course, participants=[invited], by=manager)
    day1 = course.days.get(number=1)
    client.force_login(manager)
    url = reverse("programme:day_attendance", args=[day1.pk])
    page = client.get(url).content.decode()
    assert "Invited One" in page and "Not Invited" not in page
    client.post(url, {f"p{invited.pk}": "on", f"p{stranger.pk}": "on"})
    assert list(day1.attendance.values_list("participant_id", "attended")) == [(invited.pk, True)]
    with pytest.raises(ValidationError):
        services.training_attendance_record(day=day1, attended={stranger.pk: True}, by=manager)

    future = make_course(
        site, programme_round, manager, start=dt.datetime(2026, 9, 1, 7, tzinfo=dt.UTC)
    )
    future_day = future.days.get(number=1)
    response = client.post(
        reverse("programme:day_attendance", args=[future_day.pk]), {f"p{invited.pk}": "on"}
    )
    assert response.status_code == 200
    assert "når dagen er begyndt" in response.content.decode()
    assert not future_day.attendance.exists()


def test_both_days_make_a_supporter_trained(client, manager, site, programme_round):
    course = make_course(site, programme_round, manager)
    supporter = make_participant(site, Kind.SUPPORTER)
    consent(supporter, manager)
    services.course_invite(course=course, participants=[supporter], by=manager)
    client.force_login(manager)
    for day in course.days.all():
        client.post(reverse("programme:day_attendance", args=[day.pk]), {f"p{supporter.pk}": "on"})
    supporter.refresh_from_db()
    assert supporter.status == Status.TRAINED
    assert list(Participant.objects.eligible_supporters()) == [supporter]


def test_waiting_list_shows_who_misses_which_day(client, manager, site, programme_round):
    course = make_course(site, programme_round, manager)
    half = make_participant(site, Kind.SUPPORTER, first_name="Half", last_name="Way")
    none = make_participant(site, Kind.SUPPORTER, first_name="Not", last_name="Started")
    for person in (half, none):
        consent(person, manager)
    services.course_invite(course=course, participants=[half], by=manager)
    day1 = course.days.get(number=1)
    services.training_attendance_record(day=day1, attended={half.pk: True}, by=manager)
    client.force_login(manager)
    response = client.get(reverse("programme:waiting_for_training"))
    page = response.content.decode()
    assert "Half Way" in page and "Not Started" in page
    rows = {p.full_name: p.missing_days for p in response.context["page"].object_list}
    assert rows == {"Half Way": [2], "Not Started": [1, 2]}
