"""Settings come from the environment; run in a fresh interpreter so each case starts clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'engine': settings.DATABASES['default']['ENGINE'],"
    " 'name': str(settings.DATABASES['default']['NAME']), 'broker': settings.CELERY_BROKER_URL,"
    " 'language': settings.LANGUAGE_CODE, 'sessions': settings.SESSION_ENGINE,"
    " 'cache': settings.CACHES['default']['BACKEND']}))"
)
OUR_VARIABLES = (
    "DJANGO_DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "EMAIL_URL",
    "CACHE_URL",
)


def run(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "tod.settings", **extra_env})
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_are_sqlite_debug_and_an_embedded_broker():
    result = run({})
    assert result.returncode == 0, result.stderr
    assert '"debug": true' in result.stdout
    assert "sqlite3" in result.stdout
    assert '"broker": "filesystem://"' in result.stdout
    assert '"language": "da"' in result.stdout


def test_database_url_switches_to_postgresql_and_broker_to_redis():
    result = run(
        {
            "DATABASE_URL": "postgres://tod:secret@db.example:5432/tod",
            "CELERY_BROKER_URL": "redis://cache.example:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout
    assert '"name": "tod"' in result.stdout
    assert "redis://cache.example:6379/0" in result.stdout


def test_a_shared_cache_keeps_the_sessions_and_a_process_cache_does_not():
    shared = run({"CACHE_URL": "redis://cache.example:6379/2"})
    assert shared.returncode == 0, shared.stderr
    assert '"sessions": "django.contrib.sessions.backends.cached_db"' in shared.stdout
    assert "RedisCache" in shared.stdout
    alone = run({})
    assert '"sessions": "django.contrib.sessions.backends.db"' in alone.stdout
    assert "LocMemCache" in alone.stdout


def test_production_refuses_to_start_without_secret_key():
    result = run({"DJANGO_DEBUG": "false", "ALLOWED_HOSTS": "tod.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run({"DJANGO_DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_with_both_set():
    result = run(
        {"DJANGO_DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "tod.example.org"}
    )
    assert result.returncode == 0, result.stderr
    assert '"debug": false' in result.stdout


def test_the_wsgi_application_freezes_what_start_up_loaded():
    """Start-up objects leave the garbage collector's generations (tod/wsgi.py): full
    collections during requests no longer walk them."""
    env = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    code = "import gc, tod.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10_000
