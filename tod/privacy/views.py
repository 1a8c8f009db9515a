import json

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from tod.accounts.permissions import get_object_for_user
from tod.accounts.roles import Permission

from .access import participant_export
from .tiers import ExportTier, export_log, requires_tier


@require_POST
@requires_tier(ExportTier.FULL)
def participant_data_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One click for the manager: everything held about a participant, as JSON (the `full`
    export tier, identifiers included). Logged in the participant's access log."""
    participants = apps.get_model(settings.PARTICIPANT_MODEL)._default_manager.all()
    participant = get_object_for_user(participants, request.user, Permission.EXPORT_FULL, pk=pk)
    data = participant_export(participant)
    export_log(
        request=request,
        tier=ExportTier.FULL,
        what=gettext_noop("data export (right of access)"),
        participants=participants.filter(pk=participant.pk),
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="participant-{participant.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
