"""docker-compose.yml is how users deploy: keep it valid although no Docker engine runs here."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_services_with_healthchecks_and_volumes():
    compose = load()
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert set(compose["volumes"]) >= {"postgres-data", "redis-data"}
    assert "--appendonly" in services["redis"]["command"]


def test_compose_commands_name_what_the_repository_has():
    services = load()["services"]
    assert (ROOT / services["web"]["build"]).is_dir()
    assert (ROOT / "Dockerfile").is_file()
    assert "tod.wsgi:application" in services["web"]["command"]
    assert (ROOT / "tod" / "wsgi.py").is_file()
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "tod"]
        assert (ROOT / "tod" / "celery.py").is_file()
    dependencies = (ROOT / "pyproject.toml").read_text()
    for package in ("gunicorn", "celery", "whitenoise", "psycopg2"):
        assert package in dependencies


def test_exactly_one_beat():
    beat = load()["services"]["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1


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


def test_the_web_healthcheck_passes_against_production_settings(production_server):
    import subprocess
    import sys

    test = load()["services"]["web"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"]
    command = [
        sys.executable,
        *[part.replace(":8000/", f":{production_server}/") for part in test[2:]],
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_the_app_port_is_published_on_the_hosts_loopback_only():
    # Reached directly from outside, a client could forge the X-Forwarded-For the app trusts.
    for mapping in load()["services"]["web"].get("ports", []):
        assert str(mapping).startswith("127.0.0.1:"), mapping
