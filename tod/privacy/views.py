import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from programme.models import Participant
from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission
from tod.audit.services import access_record

from .access import participant_export


@require_POST
@requires(Permission.EXPORT_FULL)
def participant_data_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One click for the manager: everything held about a participant, as JSON. Logged."""
    participant = get_object_for_user(
        Participant.objects.all(), request.user, Permission.EXPORT_FULL, pk=pk
    )
    data = participant_export(participant)
    access_record(request=request, participant=participant, what="data export (right of access)")
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="participant-{participant.pk}.json"'
    return response
