"""A Redis outage delays reminders but loses none: the schedule is in the database, so when the
broker cannot take the sweep task nothing is lost, and the first sweep through the broker once
it is back sends everything that fell due meanwhile (on a real worker, through real Redis)."""

import datetime as dt
import os
import time

import pytest
from django.utils import timezone

from tod.celery import app as celery_app
from tod.outbox.models import Reminder, ReminderStatus
from tod.outbox.services import outbox_plan

pytestmark = [
    pytest.mark.celery_integration,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
        reason="needs CELERY_BROKER_URL pointing at Redis (CI always sets it)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_a_redis_outage_delays_but_loses_nothing(supporter, mailoutbox):
    from celery.contrib.testing.worker import start_worker
    from kombu.exceptions import OperationalError

    from tod.outbox.tasks import sweep_outbox

    supporter.email = "hanne@example.org"
    supporter.save()
    for i in range(3):
        outbox_plan(
            key=f"outage-{i}",
            kind="meeting",
            channel="email",
            due_at=timezone.now() - dt.timedelta(minutes=10 * i),
            recipient_user=supporter,
        )
    # Redis is down: beat cannot hand the sweep to a worker.
    down = celery_app.connection_for_write("redis://127.0.0.1:1/0")
    with pytest.raises(OperationalError):
        sweep_outbox.apply_async(connection=down, retry=False)
    down.release()
    assert Reminder.objects.filter(status=ReminderStatus.QUEUED).count() == 3
    # Redis is back: the next beat tick's sweep sends every reminder, once.
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_outbox.delay()
        sweep_outbox.delay()  # a second beat tick (or a second beat) sends nothing again
        deadline = time.monotonic() + 30
        while Reminder.objects.filter(status=ReminderStatus.SENT).count() < 3:
            assert time.monotonic() < deadline, "the sweep did not run through Redis"
            time.sleep(0.2)
        time.sleep(1)
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 3
    assert len(mailoutbox) == 3
