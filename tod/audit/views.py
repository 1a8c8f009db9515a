from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tod.accounts.models import User
from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission
from tod.pagination import PAGE_SIZE

from .presentation import access_label, field_changes, record_label
from .queries import changes_for_participant


@requires(Permission.VIEW_AUDIT_LOG)
def participant_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed and who read a participant's records, newest first."""
    participants = apps.get_model(settings.PARTICIPANT_MODEL)._default_manager.all()
    participant = get_object_for_user(participants, request.user, Permission.VIEW_AUDIT_LOG, pk=pk)
    # Two lists on one page, each with its own page parameter.
    changes = Paginator(changes_for_participant(participant), PAGE_SIZE).get_page(
        request.GET.get("changes")
    )
    reads = Paginator(participant.access_events.select_related("actor"), PAGE_SIZE).get_page(
        request.GET.get("reads")
    )
    actors = User.objects.in_bulk({event.actor_id for event in changes if event.actor_id})
    rows = [
        {
            "event": event,
            "actor": actors.get(event.actor_id),
            "record": record_label(event),
            "changes": field_changes(event),
        }
        for event in changes
    ]
    for event in reads:
        event.what_label = access_label(event.what)
    return render(
        request,
        "audit/participant_log.html",
        {"participant": participant, "changes": changes, "rows": rows, "reads": reads},
    )
