"""The broker never holds the schedule: no Celery countdown or eta longer than five minutes
anywhere, retries back off below the visibility timeout, and the sweep runs every minute."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from django.conf import settings

from tod.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 5 * 60  # seconds
SKIP = {".venv", "node_modules", "staticfiles", "var", ".git"}


def _python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def _seconds(node: ast.AST) -> float | None:
    """A literal number of seconds, or a timedelta(...) of literals; None when not literal."""
    try:
        return float(ast.literal_eval(node))
    except (ValueError, TypeError, SyntaxError):
        pass
    if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == (
        "timedelta"
    ):
        try:
            kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
            args = [ast.literal_eval(a) for a in node.args]
            return dt.timedelta(*args, **kwargs).total_seconds()
        except (ValueError, TypeError):
            return None
    return None


def test_no_countdown_or_eta_longer_than_five_minutes_anywhere():
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg in ("countdown", "eta", "default_retry_delay", "retry_backoff_max"):
                    if keyword.arg == "eta":
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} uses eta=")
                        continue
                    seconds = _seconds(keyword.value)
                    if seconds is None or seconds > LIMIT:
                        offenders.append(
                            f"{path.relative_to(ROOT)}:{node.lineno} {keyword.arg}={seconds}"
                        )
    assert offenders == []


def test_registered_tasks_retry_below_the_visibility_timeout():
    celery_app.loader.import_default_modules()
    for name, task in celery_app.tasks.items():
        if name.startswith("celery."):
            continue
        assert (task.default_retry_delay or 0) <= LIMIT, name
        assert (getattr(task, "retry_backoff_max", 0) or 0) <= LIMIT, name


def test_the_outbox_sweep_runs_every_minute_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]
    assert entry["task"] == "tod.outbox.tasks.sweep_outbox"
    assert entry["schedule"] == 60.0
    celery_app.loader.import_default_modules()
    assert "tod.outbox.tasks.sweep_outbox" in celery_app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["logbooks-hourly"]["task"] in celery_app.tasks


def test_our_backoff_is_shorter_than_the_visibility_timeout():
    from tod.outbox.services import RETRY_BACKOFF

    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert max(RETRY_BACKOFF) <= LIMIT < timeout


def test_redis_runs_with_append_only_persistence():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "--appendonly" in compose["services"]["redis"]["command"]
