import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import PASSWORD
from tod.accounts.throttling import client_address


def attempt(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_ten_failures_lock_the_username_from_that_address_for_15_minutes(client, manager):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as clock:
        for _ in range(9):
            assert attempt(client, "manager", "wrong-password").status_code == 200
        assert attempt(client, "manager", "wrong-password").status_code == 429  # the 10th
        locked = attempt(client, "manager", PASSWORD)
        assert locked.status_code == 429
        assert "15" in locked.content.decode()
        clock.shift(16 * 60)
        assert attempt(client, "manager", PASSWORD).status_code == 302


def test_ten_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(client, manager):
    for _ in range(10):
        attempt(client, "manager", "wrong-password", address="203.0.113.66")
    assert attempt(client, "manager", PASSWORD, address="203.0.113.66").status_code == 429
    # the manager, at the office
    assert attempt(client, "manager", PASSWORD, address="198.51.100.9").status_code == 302


def test_each_failure_after_a_lock_locks_again_for_twice_as_long(client, manager):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as clock:
        for _ in range(10):
            attempt(client, "manager", "wrong-password")
        clock.shift(16 * 60)  # the first lock (15 minutes) is over
        again = attempt(client, "manager", "wrong-password")
        assert again.status_code == 429
        assert "30" in again.content.decode()
        clock.shift(16 * 60)
        assert attempt(client, "manager", PASSWORD).status_code == 429  # 30 minutes this time
        clock.shift(15 * 60)
        assert attempt(client, "manager", PASSWORD).status_code == 302
        # a login that succeeds forgets the failures: the next mistype does not lock
        assert attempt(Client(), "manager", "wrong-password").status_code == 200


def test_tries_during_a_lock_neither_extend_nor_deepen_it(client, manager):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as clock:
        for _ in range(10):
            attempt(client, "manager", "wrong-password")
        for _ in range(5):
            clock.shift(2 * 60)
            assert attempt(client, "manager", "wrong-password").status_code == 429
        clock.shift(6 * 60)  # 16 minutes after the 10th failure
        assert attempt(client, "manager", PASSWORD).status_code == 302


def test_a_strangers_login_does_not_cut_another_lock_short(client, manager, nurse):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as clock:
        for _ in range(10):
            attempt(client, "manager", "wrong-password")
        clock.shift(16 * 60)
        attempt(client, "manager", "wrong-password")  # locked again, for 30 minutes
        clock.shift(20 * 60)
        attempt(client, "nobody", "wrong-password", address="192.0.2.99")  # axes cleans up here
        assert attempt(client, "manager", PASSWORD).status_code == 429


def test_nine_failures_do_not_lock(client, manager):
    for _ in range(9):
        attempt(client, "manager", "wrong-password")
    assert attempt(client, "manager", PASSWORD).status_code == 302


def test_ten_failures_from_one_address_lock_that_address(client, manager, nurse):
    for n in range(10):
        attempt(client, f"someone-{n}", "wrong-password", address="192.0.2.50")
    assert attempt(client, "nurse", PASSWORD, address="192.0.2.50").status_code == 429
    assert attempt(client, "nurse", PASSWORD, address="192.0.2.51").status_code == 302


def test_client_address_is_read_behind_one_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7"
    )
    # the client may forge the left part; the proxy appended the right-most entry
    assert client_address(request) == "203.0.113.7"


def test_client_address_ignores_forwarded_header_without_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.7"


def test_a_direct_client_rotating_x_forwarded_for_is_still_locked_out(client, settings, nurse):
    # Compose says one proxy; this client reaches the app's port itself and forges the header.
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        client.post(
            reverse("login"),
            {"username": f"someone-{n}", "password": "wrong-password"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = client.post(
        reverse("login"),
        {"username": "nurse", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.66",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert response.status_code == 429
