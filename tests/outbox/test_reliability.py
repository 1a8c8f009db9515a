"""Reliability of the sweep on PostgreSQL, with real processes and real connections:
concurrent sweeps send each reminder exactly once; a sweep killed mid-way loses nothing and sends
at most one message twice (the one accepted just before the kill)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
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
    # the rows not yet marked sent are due again
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
    # a row is sent again only if the kill came between the channel accepting it and that row's
    # own commit: at most one row, never a committed one
    duplicates = len(sent) - len(set(sent))
    assert duplicates <= 1
    assert not committed & {k for k in set(sent) if sent.count(k) > 1}
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == len(keys)


# --- A Celery worker killed mid-sweep, against an SMS gateway over HTTP -----------------------

WORKER = """
import sys
from tests.clock import follow_parent_clock
follow_parent_clock()  # the test's daytime instant: no SMS is postponed for quiet hours
import django
django.setup()
from django.conf import settings
settings.OUTBOX_SMS_BACKEND = "tests.outbox.channels.HttpSmsGateway"
from tod.celery import app
app.worker_main([
    "worker", "--pool=solo", "--queues", sys.argv[1], "--hostname", sys.argv[2],
    "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
])
"""


class _Gateway(ThreadingHTTPServer):
    """An SMS provider on 127.0.0.1 that records every request it accepts. A provider that
    deduplicates by the idempotency reference delivers each reference once (`delivered`)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _GatewayHandler)
        self.lock = threading.Lock()
        self.accepted: list[str] = []  # one per accepted request
        self.delivered: dict[str, int] = {}  # reference -> the message id it was given

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms"


class _GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert body["reference"] == self.headers["Idempotency-Key"]
        gateway = self.server
        with gateway.lock:
            gateway.accepted.append(body["reference"])
            message_id = gateway.delivered.setdefault(body["reference"], len(gateway.delivered))
        answer = json.dumps({"id": str(message_id)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):  # noqa: A002
        return None


def _worker(queue: str, name: str, gateway_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "tod.settings",
        "OUTBOX_TEST_SMS_URL": gateway_url,
        "PYTHONPATH": str(ROOT),
        **child_clock_env(),
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, queue, name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(condition, *, seconds: float, what: str, procs=()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for proc in procs:
            assert proc.poll() is None, f"the worker stopped: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@pytest.mark.celery_integration
@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
    reason="needs CELERY_BROKER_URL pointing at Redis (CI always sets it)",
)
def test_a_worker_killed_mid_sweep_sends_at_most_one_message_twice(site):
    """1,000 SMS reminders; the worker is SIGKILLed in the middle of its sweep and another worker
    sweeps again. Every reminder reaches the provider; at most one is accepted twice (the row
    whose send was accepted just before the kill), and it carries the same reference, so a
    provider that deduplicates by the reference delivers every message exactly once."""
    from tests.conftest import make_participant
    from tod.outbox.tasks import sweep_outbox

    n = 1000
    daytime = timezone.make_aware(dt.datetime(2026, 5, 4, 11, 0))
    gateway = _Gateway()
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    queue = f"reliability-{uuid.uuid4().hex}"  # this test's own: nothing else takes its tasks
    workers: list[subprocess.Popen] = []
    try:
        with time_machine.travel(daytime, tick=True):
            peers = [
                make_participant(site, phone=f"+45202020{i:02d}", first_name=f"Peer{i}")
                for i in range(10)
            ]
            due = timezone.now() - dt.timedelta(minutes=1)
            Reminder.objects.bulk_create(
                Reminder(
                    key=f"crash-{i}",
                    kind="meeting",
                    channel="sms",
                    recipient_participant=peers[i % len(peers)],
                    site=site,
                    due_at=due,
                    context={"when": due.isoformat(), "place": "Café"},
                )
                for i in range(n)
            )
            workers.append(_worker(queue, f"first-{queue}@test", gateway.url))
            sweep_outbox.apply_async(queue=queue)  # the beat's tick
            _wait(
                lambda: len(gateway.accepted) >= n // 4 + 37,  # not at a batch boundary
                seconds=40,
                what="the first worker did not start sending",
                procs=workers,
            )
            workers[0].send_signal(signal.SIGKILL)  # mid-sweep: between sends, or in one
            workers[0].communicate(timeout=30)
            marked = Reminder.objects.filter(status=ReminderStatus.SENT).count()
            accepted_before = len(gateway.accepted)
            assert marked < n, "the kill came after the sweep had finished"
            # every row but (at most) the one in flight at the kill was marked as it was accepted
            assert accepted_before - marked <= 1, (accepted_before, marked)

            workers.append(_worker(queue, f"second-{queue}@test", gateway.url))
            sweep_outbox.apply_async(queue=queue)  # the next tick
            _wait(
                lambda: Reminder.objects.filter(status=ReminderStatus.SENT).count() == n,
                seconds=40,
                what="the second worker did not finish the sweep",
                procs=workers[1:],
            )
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.communicate(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.communicate()
        gateway.shutdown()
        gateway.server_close()
    keys = {f"crash-{i}" for i in range(n)}
    assert set(gateway.accepted) == keys  # nothing lost
    duplicates = len(gateway.accepted) - len(set(gateway.accepted))
    assert duplicates <= 1  # one killed worker: at most one message twice
    assert len(gateway.delivered) == n  # and none twice where the provider dedupes by reference
