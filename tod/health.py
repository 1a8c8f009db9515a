"""GET /healthz: are the database, the shared cache and the broker reachable. For load balancers
and docker-compose healthchecks; says nothing else about the installation.

Each probe runs in its own thread and gets PROBE_TIMEOUT seconds: a service that accepts the
connection and then never answers (a hung Redis, a full PostgreSQL) must not hold the answer, or
the orchestrator's own timeout hides which service failed. A probe that is still waiting is
reported as "error: timeout" and left to finish on its own (its thread is a daemon).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

PROBE_TIMEOUT = 1.0  # seconds per probe; the probes run side by side


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return f"error: {type(exc).__name__}"
    finally:
        connection.close()  # the probe's thread ends: its connection must not linger
    return "ok"


def check_cache() -> str:
    try:
        cache.set("healthz", "ok", timeout=10)
        if cache.get("healthz") != "ok":
            return "error: not stored"
    except Exception as exc:  # redis-py raises many types; any of them means "down"
        return f"error: {type(exc).__name__}"
    return "ok"


def check_broker() -> str:
    try:
        # A fresh connection each time: a pooled one would report a broker that has since gone.
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options={
                **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
                "socket_timeout": PROBE_TIMEOUT,
                "socket_connect_timeout": PROBE_TIMEOUT,
            },
            connect_timeout=PROBE_TIMEOUT,
        ) as conn:
            # kombu takes seconds as a float here; celery-types' stub says int.
            conn.ensure_connection(max_retries=0, timeout=PROBE_TIMEOUT)  # type: ignore[arg-type]
    except Exception as exc:  # kombu raises many types; any of them means "down"
        return f"error: {type(exc).__name__}"
    return "ok"


PROBES: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_probes(timeout: float = PROBE_TIMEOUT) -> dict[str, str]:
    """Run every probe side by side; wait at most `timeout` seconds for all of them together."""
    results: dict[str, str] = {}

    def run(name: str, probe: Callable[[], str]) -> None:
        results[name] = probe()

    threads = [
        threading.Thread(target=run, args=(name, probe), name=f"healthz-{name}", daemon=True)
        for name, probe in PROBES.items()
    ]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, "error: timeout") for name in PROBES}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_probes()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
