"""Every programme page renders with the demo's data, in Danish and English, for its roles."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from programme.models import Course, Participant, Session
from tod.accounts.models import User


@pytest.fixture
def frozen_clock(demo_clock):
    """The demo is dated in 2026: seed it at its own date (tests/conftest.py DEMO_NOW)."""
    yield


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("language", ["da", "en"])
def test_manager_pages_render_with_demo_data(client, demo, language):
    manager = User.objects.get(username="manager")
    manager.language = language
    manager.save()
    client.force_login(manager)
    client.cookies["django_language"] = language
    participant = Participant.objects.filter(site__slug="copenhagen").first()
    course = Course.objects.first()
    session = Session.objects.filter(dilemmas__isnull=False).first()
    urls = [
        reverse("programme:dashboard"),
        reverse("programme:participant_list"),
        reverse("programme:funnel"),
        reverse("programme:round_list"),
        reverse("programme:site_settings", args=["copenhagen"]),
        reverse("programme:consent_text_list", args=["copenhagen"]),
        participant.get_absolute_url(),
        reverse("programme:participant_screen", args=[participant.pk]),
        reverse("programme:participant_consent", args=[participant.pk]),
        reverse("programme:participant_withdraw", args=[participant.pk]),
        reverse("programme:course_list"),
        course.get_absolute_url(),
        reverse("programme:day_attendance", args=[course.days.first().pk]),
        reverse("programme:waiting_for_training"),
        reverse("programme:session_list"),
        reverse("programme:session_list") + "?when=past",
        session.get_absolute_url(),
        reverse("programme:session_attendance", args=[session.pk]),
        reverse("programme:session_series"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


def test_supervisor_and_supporter_pages_render_with_demo_data(client, demo):
    client.force_login(User.objects.get(username="supervisor"))
    assert client.get(reverse("programme:supervisor_home")).status_code == 200
    page = client.get(reverse("programme:session_list") + "?when=past").content.decode()
    assert "Supervision" in page
    client.force_login(User.objects.get(username="supporter"))
    assert client.get(reverse("programme:supporter_home")).status_code == 200
    response = client.get(reverse("programme:my_sessions"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0
