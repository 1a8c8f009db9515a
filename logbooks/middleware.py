"""Nothing typed in a logbook is lost when the session has ended.

A logbook POST that arrives after the session expired (idle or absolute time-out, or a cookie that
is gone) is answered with a redirect to the login page, which would drop what the supporter
typed. This middleware keeps the posted answers in the (new, anonymous) session
(tod.accounts.kept_input); Django keeps session data across the login, and the logbook page
restores them as the draft when the supporter is back (see views.logbook_edit). It sits before
the session time-out middleware.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import Resolver404, resolve, reverse

from tod.accounts import kept_input


def _logbook_meeting_pk(request) -> int | None:
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != "logbooks:logbook_edit":
        return None
    return int(match.kwargs["meeting_pk"])


class LogbookRescueMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meeting_pk = _logbook_meeting_pk(request)
        if meeting_pk is None:
            return self.get_response(request)
        user = getattr(request, "user", None)
        user_pk = user.pk if user is not None and user.is_authenticated else None
        data = {
            key: request.POST.getlist(key)
            for key in request.POST
            if key not in ("csrfmiddlewaretoken", "action")
        }
        response = self.get_response(request)
        login_url = reverse(settings.LOGIN_URL)
        sent_to_login = response.status_code in (301, 302, 303) and response.get(
            "Location", ""
        ).startswith(login_url)
        if sent_to_login and not request.user.is_authenticated:
            kept_input.keep(request, _key(meeting_pk), data, user_pk=user_pk)
        return response


def _key(meeting_pk: int) -> str:
    return f"logbook:{meeting_pk}"


def pop_rescued(request, meeting_pk: int) -> dict | None:
    """The answers posted for this meeting when the session had ended, if any (once)."""
    return kept_input.take(request, _key(meeting_pk))
