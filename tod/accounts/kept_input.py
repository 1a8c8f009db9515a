"""What a user was typing when their session ended, kept for after the login.

A form posted after the session expired is answered with the login page, which would drop what
was typed. An app that cannot lose it (the logbook: logbooks/middleware.py) keeps the posted
data here, in the new anonymous session; Django keeps session data across the login, and the app
takes it back once the user is in again. The login page says that something was kept only when
something was (`anything_kept`), never on a first visit.

A session holds at most KEEP_AT_MOST entries, one per key (the newest win), so repeated posts
cannot grow it; each app bounds what it keeps per entry (the logbook: its form's own fields and
lengths). Expired sessions, and what they kept, are purged daily (tod.accounts.tasks).
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "kept_input"
KEEP_AT_MOST = 3


def keep(request: HttpRequest, key: str, data: dict, *, user_pk: int | None) -> None:
    """Keep `data` under `key` for the user whose session ended (`user_pk`, if known), in place
    of what was kept under `key` before; beyond KEEP_AT_MOST keys the oldest is dropped."""
    kept = dict(request.session.get(SESSION_KEY) or {})
    kept.pop(key, None)
    kept[key] = {"user": user_pk, "data": data}
    while len(kept) > KEEP_AT_MOST:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept


def take(request: HttpRequest, key: str) -> dict | None:
    """The data kept under `key`, once: removed as it is read, and given only to the user who
    typed it (or to anyone when the session had lost who that was)."""
    kept = request.session.get(SESSION_KEY) or {}
    entry = kept.pop(key, None)
    if entry is None:
        return None
    request.session[SESSION_KEY] = kept
    if entry.get("user") not in (None, request.user.pk):
        return None
    return entry["data"]


def anything_kept(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_KEY))
