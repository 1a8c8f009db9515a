"""Login throttling (django-axes): lock a username, or an address, after 10 failures in 15
minutes. The client address is read behind TRUSTED_PROXY_COUNT reverse proxies."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client, not of our own reverse proxy.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the client is the entry TRUSTED_PROXY_COUNT places from the right; anything further left was
    written by the client and cannot be trusted. With no trusted proxy, REMOTE_ADDR is the client.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


class ThrottledLoginBackend(AxesStandaloneBackend):
    """Axes' checks for every login made over HTTP. Logins without a request (the shell, the
    test client's `login`) are not web traffic and carry no address to throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
