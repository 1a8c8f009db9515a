import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, log_in


def test_session_ends_after_30_minutes_idle(client, manager):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as clock:
        log_in(client, manager)
        assert client.get(reverse("programme:dashboard")).status_code == 200
        clock.shift(29 * 60)
        assert client.get(reverse("programme:dashboard")).status_code == 200
        clock.shift(31 * 60)
        response = client.get(reverse("programme:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]


def test_session_ends_12_hours_after_login_even_when_active(client, manager):
    with time_machine.travel("2026-03-02 08:00 +0100", tick=False) as clock:
        log_in(client, manager)
        for _ in range(12 * 3 + 1):  # a request every 20 minutes, just past 12 hours
            clock.shift(20 * 60)
            response = client.get(reverse("programme:dashboard"))
        assert response.status_code == 302


def test_log_out_on_all_devices_ends_every_session(manager):
    phone, desktop = Client(), Client()
    log_in(phone, manager)
    log_in(desktop, manager)
    assert phone.get(reverse("programme:dashboard")).status_code == 200
    response = desktop.post(reverse("end_all_sessions"))
    assert response.status_code == 302
    assert phone.get(reverse("programme:dashboard")).status_code == 302
    assert desktop.get(reverse("programme:dashboard")).status_code == 302
    log_in(phone, manager)  # the password still works
    assert phone.get(reverse("programme:dashboard")).status_code == 200


def test_signed_in_pages_are_not_cached(client, manager):
    client.force_login(manager)
    response = client.get(reverse("programme:dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_every_page_carries_a_strict_content_security_policy(client, manager):
    for url in (reverse("login"), reverse("account_security")):
        client.force_login(manager) if url != reverse("login") else None
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy


def test_password_must_be_twelve_characters_and_not_common(client, manager):
    client.force_login(manager)
    for weak in ("short-pw1", "password1234"):
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200  # the form again, with an error
        assert response.context["form"].errors
