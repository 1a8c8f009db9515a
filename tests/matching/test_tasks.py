"""A large pool's run as a Celery task: through the real Redis broker to a real worker (when
CELERY_BROKER_URL points at Redis), progress read from the database."""

from __future__ import annotations

import os
import time

import pytest

from matching import services
from matching.models import MatchRun, RunStatus
from programme.models import Kind
from tod.celery import app as celery_app

from .conftest import make_pool_people

pytestmark = [
    pytest.mark.celery_integration,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
        reason="needs CELERY_BROKER_URL pointing at Redis (CI always sets it)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_large_run_goes_through_redis_and_stores_progress(
    site, programme_round, manager, monkeypatch
):
    from celery.contrib.testing.worker import start_worker

    make_pool_people(site, programme_round, manager, Kind.PEER, 30)
    make_pool_people(site, programme_round, manager, Kind.SUPPORTER, 30)
    monkeypatch.setattr(services, "SYNC_PAIRS_LIMIT", 10)  # force the queued path
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        run = services.match_run_start(site=site, by=manager)  # autocommit: enqueued at once
        assert run.status == RunStatus.QUEUED
        for _ in range(300):
            run.refresh_from_db()
            if run.is_finished:
                break
            time.sleep(0.1)
    run = MatchRun.objects.get(pk=run.pk)
    assert (run.status, run.progress, run.pairs) == (RunStatus.DONE, 100, 30)
