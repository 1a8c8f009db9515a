"""A production-like server for the tests of tests/tod."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_server(tmp_path):
    """gunicorn serving the app with production settings (DJANGO_DEBUG=false, the SSL redirect on)
    on a free port of 127.0.0.1; yields the port."""
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY="a-test-only-secret-key-that-is-long-enough-0123456789",
        EVALUATION_PSEUDONYM_KEY="a-test-only-pseudonym-key",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path),
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as stderr:  # the child keeps its own copy of the descriptor
        server = subprocess.Popen(
            [
                str(gunicorn),
                "tod.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
