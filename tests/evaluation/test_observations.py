"""An observation names the event it observed: a training course, a supervision session or a
network meeting of the evaluator's sites, chosen from the programme, on one of its days."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from evaluation.models import Observation
from evaluation.pseudonyms import record_pseudonym
from programme.factories import CourseFactory, RoundFactory, SessionFactory, TrainingDayFactory, at
from programme.models.supervision import SessionKind

pytestmark = pytest.mark.django_db

CREATE = reverse("evaluation:observation_create")


@pytest.fixture
def client(client, settings):
    """The pages in English (the user's language cookie), as the messages below are."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def course(site, manager, programme_round):
    course = CourseFactory.create(
        site=site, round=programme_round, name="Makkerkursus marts", created_by=manager
    )
    TrainingDayFactory.create(course=course, number=1, starts_at=at(dt.date(2026, 3, 9), 9))
    TrainingDayFactory.create(course=course, number=2, starts_at=at(dt.date(2026, 3, 16), 9))
    return course


@pytest.fixture
def network_meeting(site, manager, programme_round):
    return SessionFactory.create(
        site=site,
        round=programme_round,
        kind=SessionKind.NETWORK,
        starts_at=at(dt.date(2026, 5, 18), 16),
        created_by=manager,
    )


def post(client, **values):
    data = {"event": "", "observed_on": "", "title": "", "field_notes": "Notes."}
    data.update(values)
    return client.post(CREATE, data)


def test_an_observation_of_a_network_meeting_is_saved_with_it_and_shown(
    client, evaluator, network_meeting
):
    client.force_login(evaluator)
    form_page = client.get(CREATE).content.decode()
    assert "Network meetings" in form_page and f"session:{network_meeting.pk}" in form_page

    response = post(client, event=f"session:{network_meeting.pk}", field_notes="Dilemmas.")

    observation = Observation.objects.get()
    assert response.status_code == 302
    assert observation.session == network_meeting
    assert observation.setting == "network_meeting"
    assert observation.observed_on == dt.date(2026, 5, 18)  # empty: the event's day
    detail = client.get(response["Location"]).content.decode()
    assert f"Observed: {network_meeting}" in detail
    listing = client.get(reverse("evaluation:observation_list")).content.decode()
    assert str(network_meeting) in listing


def test_a_course_is_observed_on_either_of_its_days_and_on_no_other(client, evaluator, course):
    client.force_login(evaluator)

    refused = post(client, event=f"course:{course.pk}", observed_on="2026-03-10")
    assert refused.status_code == 200
    message = "Makkerkursus marts · 09/03/2026 took place on 09/03/2026, 16/03/2026."
    assert message in refused.content.decode()
    assert not Observation.objects.exists()

    post(client, event=f"course:{course.pk}", observed_on="2026-03-16")
    observation = Observation.objects.get()
    assert (observation.course, observation.setting) == (course, "training")
    assert observation.observed_on == dt.date(2026, 3, 16)


def test_another_sites_event_cannot_be_chosen(client, evaluator, other_site, other_manager):
    foreign = SessionFactory.create(
        site=other_site, round=RoundFactory.create(site=other_site), created_by=other_manager
    )
    client.force_login(evaluator)

    assert f"session:{foreign.pk}" not in client.get(CREATE).content.decode()
    response = post(client, event=f"session:{foreign.pk}")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Observation.objects.exists()


def test_an_observation_needs_its_event(client, evaluator, course):
    client.force_login(evaluator)

    response = post(client, observed_on="2026-03-09")

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Observation.objects.exists()


def test_the_export_names_the_event_observed(client, evaluator, course, network_meeting):
    client.force_login(evaluator)
    post(client, event=f"course:{course.pk}")
    post(client, event=f"session:{network_meeting.pk}")

    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("evaluation:export_csv")).getvalue()))
    table = archive.read("observations.csv").decode()

    assert "course_id,session_id" in table.splitlines()[0]
    assert record_pseudonym("course", course.pk) in table
    assert record_pseudonym("session", network_meeting.pk) in table
    assert f",{course.pk}," not in table  # no database id
