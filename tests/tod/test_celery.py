"""A real task through the real Redis broker to a worker started by the test."""

import datetime as dt
import os

import pytest

from tod.celery import app as celery_app

pytestmark = [
    pytest.mark.celery_integration,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
        reason="needs CELERY_BROKER_URL pointing at Redis (CI always sets it)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_task_runs_through_redis_on_a_real_worker(site):
    from celery.contrib.testing.worker import start_worker

    from tod.accounts.models import Role
    from tod.accounts.services import user_create
    from tod.accounts.tasks import deactivate_expired_accounts

    volunteer = user_create(
        username="leaving", role=Role.SUPPORTER, sites=[site], access_expires_on=dt.date(2020, 1, 1)
    )
    assert celery_app.conf.broker_url.startswith("redis")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = deactivate_expired_accounts.delay()
        assert result.get(timeout=30) == 1
    volunteer.refresh_from_db()
    assert not volunteer.is_active
