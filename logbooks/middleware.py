"""Nothing typed in a logbook is lost when the session has ended.

A logbook POST that arrives after the session expired (idle or absolute time-out, or a cookie that
is gone) is answered with a redirect to the login page, which would drop what the supporter
typed. This middleware keeps the posted answers in the (new, anonymous) session
(tod.accounts.kept_input); Django keeps session data across the login, and the logbook page
restores them as the draft when the supporter is back (see views.logbook_edit). It sits before
the session time-out middleware.

Only what a logbook can hold is kept, and only for a form that was shown: the page carries a
signed token naming the meeting and the supporter it was shown to (`rescue_token`), and a post
without a valid one for this meeting is not kept. What is kept is the logbook form's own fields,
each cut to the form's own length (so a post of megabytes keeps a few kilobytes), one rescue per
meeting and a few in all (kept_input.KEEP_AT_MOST). Anyone can post to the login redirect; only
a supporter who was shown the form can make the session keep anything.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core import signing
from django.urls import Resolver404, resolve, reverse

from tod.accounts import kept_input

from .forms import LogbookForm

TOKEN_FIELD = "rescue_token"
_SALT = "logbooks.rescue"
# A logbook page left open this long can still be rescued; well past the session's absolute
# time-out, so a page opened before the session ended keeps its token valid after.
TOKEN_MAX_AGE = 24 * 3600
# Choices and numbers are short: a value longer than this is not one of them.
SHORT_VALUE = 50


def rescue_token(*, meeting_pk: int, user_pk: int) -> str:
    """The token the logbook page carries: this meeting's form was shown to this user."""
    return signing.TimestampSigner(salt=_SALT).sign_object({"m": meeting_pk, "u": user_pk})


def _token_user(token: str, meeting_pk: int) -> int | None:
    """The user the form for `meeting_pk` was shown to, if the token says so and is fresh."""
    try:
        shown = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(shown, dict) or shown.get("m") != meeting_pk:
        return None
    user_pk = shown.get("u")
    return user_pk if isinstance(user_pk, int) else None


def rescuable(post) -> tuple[dict[str, list[str]], list[str]]:
    """The logbook form's own fields from a POST, each value cut to what the form accepts (the
    form's max_length, or SHORT_VALUE for choices and numbers) and no more values than the field
    takes; and the names of the fields that were cut (the page asks the supporter to check them).
    """
    data: dict[str, list[str]] = {}
    cut: list[str] = []
    for name, field in LogbookForm.base_fields.items():
        values = post.getlist(name)
        if not values:
            continue
        most = len(field.choices) if isinstance(field, forms.MultipleChoiceField) else 1
        limit = getattr(field, "max_length", None) or SHORT_VALUE
        kept = [value[:limit] for value in values[:most]]
        if kept != values:
            cut.append(name)
        data[name] = kept
    return data, cut


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
        response = self.get_response(request)
        login_url = reverse(settings.LOGIN_URL)
        sent_to_login = response.status_code in (301, 302, 303) and response.get(
            "Location", ""
        ).startswith(login_url)
        if sent_to_login and not request.user.is_authenticated:
            user_pk = _token_user(request.POST.get(TOKEN_FIELD, ""), meeting_pk)
            if user_pk is not None:
                answers, cut = rescuable(request.POST)
                kept_input.keep(
                    request, _key(meeting_pk), {"answers": answers, "cut": cut}, user_pk=user_pk
                )
        return response


def _key(meeting_pk: int) -> str:
    return f"logbook:{meeting_pk}"


def pop_rescued(request, meeting_pk: int) -> dict | None:
    """What was posted for this meeting when the session had ended, if any (once):
    {"answers": {field: [values]}, "cut": [fields cut to the form's length]}."""
    return kept_input.take(request, _key(meeting_pk))
