import time

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper


def test_healthz_reports_database_and_broker_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_broker_is_down(client, db, settings):
    # Nothing listens on port 1: a real connection attempt that fails.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_the_database_is_down(client, db, monkeypatch):
    def refuse(self, sql, params=None):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405


@pytest.fixture
def silent_broker(settings):
    """A broker address that accepts the connection and never answers: a socket on 127.0.0.1
    that listens (the kernel completes the handshake) but whose owner never reads or writes."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        yield


def test_healthz_answers_within_two_seconds_when_the_broker_hangs(client, db, silent_broker):
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"healthz took {elapsed:.1f} s"
    assert response.status_code == 503
    body = response.json()
    assert body["broker"].startswith("error") and body["database"] == "ok"
    assert body["cache"] == "ok"


def test_healthz_answers_within_two_seconds_when_the_broker_refuses(client, db, broker_down):
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503 and response.json()["broker"].startswith("error")
