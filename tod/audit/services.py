from __future__ import annotations

from django.http import HttpRequest

from .models import AccessEvent


def access_record(*, request: HttpRequest, participant, what: str) -> AccessEvent:
    """Log that the request's user read `what` of a participant's health record.

    Called by every view that shows nurse visits, logbooks or evaluation records. Records who,
    what and when, never the values shown.
    """
    return AccessEvent.objects.create(
        actor=request.user, participant=participant, what=what, path=request.path[:300]
    )
