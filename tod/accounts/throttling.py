"""Throttling: login lock-outs (django-axes) with a growing back-off, and a counter in the shared
cache for mails anyone can trigger (password reset, enrolment links). The client address is read
behind TRUSTED_PROXY_COUNT reverse proxies."""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

# Lock-out back-off (settings AXES_*): AXES_FAILURE_LIMIT failures of one username from one
# address (or of any usernames from one address) lock that pair (or that address) for
# LOCKOUT_BASE; each failure after a lock ends locks again for twice as long, up to LOCKOUT_MAX.
# Failures are remembered until FAILURE_MEMORY has passed since the last one, or a login
# succeeds. Nobody else is locked: the owner of the username logs in from their own address.
LOCKOUT_BASE = dt.timedelta(minutes=15)
LOCKOUT_MAX = dt.timedelta(hours=24)
FAILURE_MEMORY = dt.timedelta(hours=24)


def client_address(request: HttpRequest) -> str:
    """The address of the client, not of our own reverse proxy.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the client is the entry TRUSTED_PROXY_COUNT places from the right; anything further left was
    written by the client and cannot be trusted. With no trusted proxy, REMOTE_ADDR is the client.

    The header is read only when the request came from an address of TRUSTED_PROXY_NETWORKS: a
    client that reaches the app's port directly would otherwise name itself with a new forged
    entry on every request and slip past the login lock-out and the public form's limit.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if hops > 0 and _is_trusted_proxy(remote):
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return remote


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net) for net in settings.TRUSTED_PROXY_NETWORKS)


class ThrottledLoginBackend(AxesStandaloneBackend):
    """Axes' checks for every login made over HTTP. Logins without a request (the shell, the
    test client's `login`) are not web traffic and carry no address to throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def within_limit(key: str, *, limit: int, window: dt.timedelta) -> bool:
    """Count one use of `key` and say whether it is still within `limit` uses per `window`.

    The count lives in the default cache (Redis in production, shared by every worker: `add` and
    `incr` are atomic there, so concurrent requests cannot all slip under the limit). The window
    is fixed from the first use. Keys are hashed: no address or e-mail is kept in the cache."""
    digest = salted_hmac("tod.accounts.throttling", key, algorithm="sha256").hexdigest()[:40]
    cache_key = f"tod:limit:{digest}"
    timeout = int(window.total_seconds())
    if cache.add(cache_key, 1, timeout=timeout):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(cache_key, 1, timeout=timeout)
        return True
    return count <= limit


def _recorded_failures(request: HttpRequest) -> int:
    """The failures recorded for the request's username and address, or for its address."""
    filters = get_client_parameters(
        get_client_username(request),
        getattr(request, "axes_ip_address", None),
        getattr(request, "axes_user_agent", ""),
        request,
    )
    return max(
        (
            AccessAttempt.objects.filter(**kwargs).aggregate(n=Sum("failures_since_start"))["n"]
            or 0
            for kwargs in filters
        ),
        default=0,
    )


def lockout_cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """How long a lock lasts (AXES_COOLOFF_TIME): LOCKOUT_BASE at the limit, doubled for each
    failure past it, at most LOCKOUT_MAX. No CAPTCHA: a person waits, a script crawls."""
    if request is None:
        return LOCKOUT_BASE
    past_limit = _recorded_failures(request) - settings.AXES_FAILURE_LIMIT
    if past_limit <= 0:
        return LOCKOUT_BASE
    return min(LOCKOUT_BASE * 2 ** min(past_limit, 16), LOCKOUT_MAX)


class BackOffDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler, keeping failures for FAILURE_MEMORY.

    Axes forgets every attempt older than the cool-off of whichever request happens to come in;
    with a cool-off that grows per username and address, one stranger's login would then erase
    another pair's history and cut its lock short."""

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        threshold = timezone.now() - FAILURE_MEMORY
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=threshold).delete()
        return count


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked login gets (HTTP 429), saying how long the pause lasts."""
    minutes = math.ceil(lockout_cool_off(request).total_seconds() / 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
