"""Hand work to the Celery workers from a request, once the data it needs is committed.

The broker is a convenience for request paths, never a requirement: everything a task does from
here is also done by a beat sweep over rows in the database (the outbox), or is marked so the user
can start it again. So a broker that is down or slow must not turn a request whose data was saved
into an error page; the failure is logged and the request goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 1.0  # seconds a request may wait for the broker


def enqueue_after_commit(
    task: Any,
    *args: Any,
    on_failure: Callable[[Exception], None] | None = None,
    **kwargs: Any,
) -> None:
    """Send `task(*args, **kwargs)` to the broker after the current transaction commits.

    Publishing is tried once, on its own connection with a 1-second connect timeout and no
    reconnection attempts (kombu would otherwise retry until broker_connection_timeout, and
    Celery would retry the publish), and any error is logged, not raised. `on_failure`, if given,
    runs after a failed publish, for work that no sweep picks up (it should record that the work
    did not start)."""

    def publish() -> None:
        try:
            with task.app.connection_for_write(
                connect_timeout=PUBLISH_TIMEOUT, transport_options={"max_retries": 0}
            ) as connection:
                task.apply_async(args=args, kwargs=kwargs, connection=connection, retry=False)
        except Exception as exc:  # kombu and redis raise many types; each means "not enqueued"
            logger.warning(
                "Could not enqueue %s (%s: %s); left for the scheduled sweep.",
                getattr(task, "name", task),
                type(exc).__name__,
                exc,
            )
            if on_failure is not None:
                on_failure(exc)

    transaction.on_commit(publish)
