"""Sessions in Redis (CACHE_URL set, as in production): read from the shared cache, written
through to the database (Django's cached_db). A signed-in page no longer queries its session,
and every way a session ends still ends it for every web worker."""

import os
import uuid
from urllib.parse import urlsplit

import pytest
import redis
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import log_in

BROKER = os.environ.get("CELERY_BROKER_URL", "")
pytestmark = pytest.mark.skipif(
    not BROKER.startswith("redis"),
    reason="needs Redis: CELERY_BROKER_URL pointing at it (CI always sets it)",
)


@pytest.fixture(autouse=True)
def redis_sessions(settings):
    """The production settings with CACHE_URL, on a database of the test Redis of its own,
    under a prefix of this run that is removed afterwards."""
    broker = urlsplit(BROKER)
    location = f"redis://{broker.hostname}:{broker.port or 6379}/14"
    prefix = f"tod-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",  # CACHE_URL=redis://...
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    server = redis.Redis.from_url(location)
    for key in server.scan_iter(match=f"{prefix}*"):
        server.delete(key)


def test_a_signed_in_page_reads_its_session_from_the_cache(client, manager):
    log_in(client, manager)
    client.get(reverse("programme:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("programme:dashboard")).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_logout_ends_the_session_for_every_worker(manager):
    """Two clients with the same cookie stand for two workers reading the shared cache."""
    phone = Client()
    log_in(phone, manager)
    other_worker = Client()
    other_worker.cookies = phone.cookies
    assert other_worker.get(reverse("programme:dashboard")).status_code == 200
    cookie = phone.cookies["sessionid"].value
    phone.post(reverse("logout"))
    other_worker.cookies["sessionid"] = cookie
    assert other_worker.get(reverse("programme:dashboard")).status_code == 302


def test_log_out_on_all_devices_ends_cached_sessions(manager):
    phone, desktop = Client(), Client()
    log_in(phone, manager)
    log_in(desktop, manager)
    assert phone.get(reverse("programme:dashboard")).status_code == 200
    desktop.post(reverse("end_all_sessions"))
    assert phone.get(reverse("programme:dashboard")).status_code == 302


def test_the_idle_time_out_holds_with_cached_sessions(client, manager):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as clock:
        log_in(client, manager)
        clock.shift(29 * 60)
        assert client.get(reverse("programme:dashboard")).status_code == 200
        clock.shift(31 * 60)
        assert client.get(reverse("programme:dashboard")).status_code == 302


def test_the_shared_cache_keeps_its_values():
    from django.core.cache import cache

    cache.set("tod-test-key", {"a": [1, 2]}, 30)
    assert cache.get("tod-test-key") == {"a": [1, 2]}
    assert cache.get_many(["tod-test-key", "missing"]) == {"tod-test-key": {"a": [1, 2]}}
    cache.delete("tod-test-key")
    assert cache.get("tod-test-key") is None


def test_a_redis_cache_url_gives_djangos_own_redis_cache():
    import environ

    parsed = environ.Env.cache_url_config("redis://127.0.0.1:6379/2")
    assert parsed["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
