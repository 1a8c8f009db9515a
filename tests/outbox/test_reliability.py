"""Reliability of the sweep on PostgreSQL, with real processes and real connections:
concurrent sweeps send each reminder exactly once; a sweep killed mid-way loses nothing."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from tests.clock import child_clock_env
from tod.outbox.models import Reminder, ReminderStatus
from tod.outbox.services import outbox_sweep

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="SKIP LOCKED and concurrent connections need PostgreSQL (CI sets DATABASE_URL)",
    ),
]

CHILD = """
import django, os, sys
from tests.clock import follow_parent_clock
follow_parent_clock()  # at the test's instant, which may not be the real one (--clock)
django.setup()
from django.conf import settings
settings.OUTBOX_CHANNEL_CLASSES = {"email": "tests.outbox.channels.CountingChannel"}
from tod.outbox.services import outbox_sweep
result = outbox_sweep(batch_size=int(sys.argv[1]), max_seconds=None)
print(result.sent)
"""


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return (
        f"postgres://{quote(s['USER'] or '')}{password}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )


def _sweeper(log: Path, *, batch_size: int, delay: float = 0.0) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "tod.settings",
        "OUTBOX_TEST_LOG": str(log),
        "OUTBOX_TEST_DELAY": str(delay),
        "PYTHONPATH": str(ROOT),
        **child_clock_env(),
    }
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(batch_size)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _plan_due(user, n: int) -> list[str]:
    now = timezone.now() - dt.timedelta(minutes=1)
    rows = [
        Reminder(
            key=f"reliability-{i}",
            kind="meeting",
            channel="email",
            recipient_user=user,
            due_at=now,
            context={"when": now.isoformat(), "place": "Café"},
        )
        for i in range(n)
    ]
    Reminder.objects.bulk_create(rows)
    return [row.key for row in rows]


@pytest.fixture
def recipient(db):
    from tests.conftest import make_user

    return make_user("recipient", "manager", [], email="r@example.org")


def test_two_sweeps_at_once_send_each_reminder_exactly_once(recipient, tmp_path):
    keys = _plan_due(recipient, 600)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [_sweeper(log, batch_size=20, delay=0.001) for log in logs]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    sent = [line for log in logs for line in log.read_text().splitlines()]
    assert len(sent) == len(keys)  # no duplicates
    assert set(sent) == set(keys)  # nothing lost
    assert all(log.read_text() for log in logs), "both sweeps took part"
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == len(keys)


def test_a_killed_sweep_loses_nothing_and_the_next_one_finishes(recipient, tmp_path, settings):
    keys = _plan_due(recipient, 200)
    log = tmp_path / "killed.log"
    batch = 10
    proc = _sweeper(log, batch_size=batch, delay=0.02)
    deadline = time.monotonic() + 60
    # let it commit a few batches, then kill it in the middle of one
    while Reminder.objects.filter(status=ReminderStatus.SENT).count() < 3 * batch:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)  # reaps it and closes its pipes
    committed = set(
        Reminder.objects.filter(status=ReminderStatus.SENT).values_list("key", flat=True)
    )
    assert 0 < len(committed) < len(keys)
    # the killed batch's rows were never marked sent: they are due again
    assert Reminder.objects.filter(status=ReminderStatus.QUEUED).count() == len(keys) - len(
        committed
    )
    settings.OUTBOX_CHANNEL_CLASSES = {"email": "tests.outbox.channels.CountingChannel"}
    os.environ["OUTBOX_TEST_LOG"] = str(log)
    try:
        result = outbox_sweep(batch_size=batch, max_seconds=None)
    finally:
        del os.environ["OUTBOX_TEST_LOG"]
    assert result.sent == len(keys) - len(committed)
    sent = log.read_text().splitlines()
    assert set(sent) == set(keys)  # nothing lost
    # a row is sent again only if the kill came between the channel accepting it and the
    # commit: at most one batch, never a committed one
    duplicates = len(sent) - len(set(sent))
    assert duplicates <= batch
    assert not committed & {k for k in set(sent) if sent.count(k) > 1}
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == len(keys)
