"""Benchmark of the reminder outbox sweep against the PostgreSQL in DATABASE_URL.

    DATABASE_URL=postgres://... python -m bench.reminders --n 100000 --workers 2

Creates n due reminders, sweeps them with `--workers` concurrent processes through the real code
path (`tod.outbox.services.outbox_sweep`: the SKIP LOCKED claim, the withdrawn/preference/quiet-
hours checks, rendering the message in the recipient's language, the channel call, marking sent),
with a counting channel instead of e-mail, and prints one line:

    sent=<n> duplicates=<d> lost=<l> seconds=<s> per_second=<r>

`sent` counts rows marked sent in the database, `duplicates` channel calls beyond one per
reminder, `lost` reminders the channel never saw. The rows are deleted afterwards (--keep keeps
them). The database must be migrated (`python manage.py migrate`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tod.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from tod.accounts.models import User  # noqa: E402
from tod.outbox.models import Reminder, ReminderStatus  # noqa: E402

PREFIX = "bench:"


class CountingChannel:
    """Accepts every message and remembers which reminder it was."""

    sent: list[int] = []

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send(self, *, reminder, address, message) -> None:
        CountingChannel.sent.append(reminder.pk)


def _prepare(n: int) -> list[int]:
    Reminder.objects.filter(key__startswith=PREFIX).delete()
    user, _ = User.objects.get_or_create(
        username="bench-recipient",
        defaults={"email": "bench@example.invalid", "first_name": "Bench", "language": "da"},
    )
    due = timezone.now() - dt.timedelta(minutes=1)
    rows = (
        Reminder(
            key=f"{PREFIX}{i}",
            kind="meeting",
            channel="email",
            recipient_user=user,
            due_at=due,
            # every reminder its own meeting time, so no rendering is shared between rows
            context={
                "when": (due + dt.timedelta(days=1, minutes=i)).isoformat(),
                "place": "Biblioteket",
            },
            language="da" if i % 2 else "en",
        )
        for i in range(n)
    )
    batch: list[Reminder] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            Reminder.objects.bulk_create(batch)
            batch = []
    if batch:
        Reminder.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE outbox_reminder")
    return list(Reminder.objects.filter(key__startswith=PREFIX).values_list("pk", flat=True))


def _worker(batch_size: int, start, results) -> None:
    connections.close_all()  # a fresh connection of our own, never the parent's
    settings.OUTBOX_CHANNEL_CLASSES = {"email": "bench.reminders.CountingChannel"}
    from tod.outbox.services import outbox_sweep

    start.wait()
    outbox_sweep(batch_size=batch_size, max_seconds=None)
    from bench.reminders import CountingChannel as Counted  # the class the sweep loaded

    results.put(Counted.sent)
    connections.close_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's rows")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("bench.reminders needs PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    ids = _prepare(args.n)
    connections.close_all()
    context = mp.get_context("fork")
    start = context.Barrier(args.workers + 1)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(args.batch_size, start, results))
        for _ in range(args.workers)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    calls: list[int] = []
    for _ in workers:
        calls += results.get()
    seconds = time.perf_counter() - began
    for worker in workers:
        worker.join()
    sent = Reminder.objects.filter(key__startswith=PREFIX, status=ReminderStatus.SENT).count()
    unique = set(calls)
    duplicates = len(calls) - len(unique)
    lost = len(set(ids) - unique)
    print(
        f"sent={sent} duplicates={duplicates} lost={lost} seconds={seconds:.2f} "
        f"per_second={len(unique) / seconds:.0f}"
    )
    if not args.keep:
        Reminder.objects.filter(key__startswith=PREFIX).delete()
    return 0 if duplicates == 0 and lost == 0 and sent == args.n else 1


if __name__ == "__main__":
    sys.exit(main())
