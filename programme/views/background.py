"""The participant's background, edited on their record (ADR 0013)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission

from .. import services
from ..forms import BackgroundForm
from ..models import Background, Participant
from .common import add_service_error

P = Permission.MANAGE_PARTICIPANTS


@requires(P)
@require_http_methods(["GET", "POST"])
def background_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Origin, education, employment, living alone, work experience, complications and other
    diagnoses: the one record the match survey and the evaluation's sample table read too.
    Saving the same values again changes nothing (the service is idempotent)."""
    participant = get_object_for_user(
        Participant.objects.select_related("site"), request.user, P, pk=pk
    )
    background = Background.objects.filter(participant=participant).first()
    form = BackgroundForm(request.POST or None, instance=background)
    if request.method == "POST" and form.is_valid():
        try:
            services.background_update(
                participant=participant, values=form.values(), by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The background is saved."))
            return redirect("programme:participant_detail", pk=participant.pk)
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Background of %(name)s") % {"name": participant},
            "intro": _(
                "The match survey asks about origin, education, employment and work experience "
                "and saves the answers here; the evaluation's sample table reads them under a "
                "pseudonym."
            ),
            "back": participant,
        },
    )
