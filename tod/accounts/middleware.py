"""Session rules for health data: idle and absolute time-outs, no caching of signed-in pages, and
the user's language remembered across devices."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

LOGIN_AT = "tod_login_at"
LAST_SEEN = "tod_last_seen"
LAST_SEEN_GRANULARITY = 60  # seconds


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
    SESSION_ABSOLUTE_TIMEOUT seconds after logging in. The user is sent to the login page and
    comes back to the page they were on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            too_old = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or too_old:
                logout(request)
                messages.info(request, _("Your session ended. Please log in again."))
                next_url = request.get_full_path() if request.method == "GET" else request.path
                return redirect_to_login(next_url)
            if now - last_seen >= LAST_SEEN_GRANULARITY:
                # Written at most once a minute: most requests then leave the session unchanged
                # and cost no write.
                session[LAST_SEEN] = now
        return self.get_response(request)


class NoCacheForSignedInMiddleware:
    """Pages shown to a signed-in user may hold health data: no browser or proxy keeps them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class UserLanguageCookieMiddleware:
    """After a login, write the user's saved language to the language cookie, so the choice made
    on one device follows the user to the next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, "_user_language", None)
        if language:
            set_language_cookie(response, language)
        return response


def set_language_cookie(response, language: str) -> None:
    """Remember the interface language in Django's language cookie, with the cookie settings
    (LANGUAGE_COOKIE_*: HttpOnly, SameSite=Lax, and Secure in production)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
