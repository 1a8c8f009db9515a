"""Who is acting: passed to the audit triggers through the database session.

The web request's user is set lazily by AuditActorMiddleware, just before the request's first
write, so a page that only reads pays nothing. Commands and tasks that act for someone use
`acting_as(user)`; writes with no actor are recorded as the system's.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

from django.db import connections

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

# The `acting_as` blocks open in this thread, innermost last: when an inner block (a service
# acting for someone inside a request) ends, the enclosing block tells the database again
# before its next write, instead of those writes being recorded as the system's.
_open_blocks = threading.local()


def _set_actor(cursor, vendor: str, actor_id: int | None, placeholder: str = "%s") -> None:
    """Run on a cursor below Django's query logging, so it never counts as a page's query."""
    if vendor == "postgresql":
        value = "" if actor_id is None else str(actor_id)
        cursor.execute(f"SELECT set_config('tod.actor_id', {placeholder}, false)", [value])
    elif vendor == "sqlite":
        cursor.execute(f"UPDATE audit_actor SET actor_id = {placeholder} WHERE id = 1", [actor_id])


class _ActorOnFirstWrite:
    """An execute wrapper that tells the database who acts, once, before the first write."""

    def __init__(self, actor_id: int | None):
        self.actor_id = actor_id
        self.was_set = False

    def __call__(self, execute, sql, params, many, context):
        if not self.was_set and WRITE.match(sql):
            self.was_set = True
            # The database cursor under Django's wrapper: no logging, no wrappers, no recursion.
            raw = getattr(context["cursor"], "cursor", context["cursor"])
            _set_actor(raw, context["connection"].vendor, self.actor_id)
        return execute(sql, params, many, context)

    def reset(self, using: str = "default") -> None:
        if self.was_set:
            connection = connections[using]
            if connection.connection is not None:
                raw = connection.connection.cursor()
                try:
                    placeholder = "?" if connection.vendor == "sqlite" else "%s"
                    _set_actor(raw, connection.vendor, None, placeholder)
                finally:
                    raw.close()
            self.was_set = False


@contextmanager
def acting_as(user, using: str = "default"):
    """Record the writes made inside the block as made by `user` (None: the system)."""
    wrapper = _ActorOnFirstWrite(getattr(user, "pk", None))
    connection = connections[using]
    stack: list[_ActorOnFirstWrite] = _open_blocks.__dict__.setdefault("stack", [])
    stack.append(wrapper)
    try:
        with connection.execute_wrapper(wrapper):
            yield
    finally:
        stack.pop()
        wrapper.reset(using)
        if stack:
            stack[-1].was_set = False  # the enclosing block's actor, again before its next write


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        with acting_as(actor):
            return self.get_response(request)


@contextmanager
def audit_maintenance(using: str = "default"):
    """Allow rewriting the audit trail inside the block: only for erasing personal data from it
    (GDPR), which records that it did. Must run inside a transaction."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('tod.audit_maintenance', 'on', true)")
        else:
            cursor.execute("UPDATE audit_actor SET maintenance = 1 WHERE id = 1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('tod.audit_maintenance', '', true)")
            else:
                cursor.execute("UPDATE audit_actor SET maintenance = 0 WHERE id = 1")
