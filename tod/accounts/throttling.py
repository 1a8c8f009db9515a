"""Login throttling (django-axes): lock a username, or an address, after 10 failures in 15
minutes. The client address is read behind TRUSTED_PROXY_COUNT reverse proxies."""

from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


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
