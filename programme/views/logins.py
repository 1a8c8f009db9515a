"""Give a trained supporter a login, from their participant page (docs/accounts.md)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tod.accounts.http import AuthenticatedHttpRequest
from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission
from tod.invitations.forms import GiveLoginForm

from .. import services
from ..models import Participant


@requires(Permission.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def participant_give_login(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_object_for_user(
        Participant.objects.select_related("site"),
        request.user,
        Permission.MANAGE_ACCOUNTS,
        pk=pk,
    )
    refusal = services.login_refusal(participant)
    form = GiveLoginForm(
        request.POST or None,
        initial={"channel": "sms" if participant.phone and not participant.email else "email"},
    )
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            invitation = services.participant_give_login(
                participant=participant, channel=form.cleaned_data["channel"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if invitation.sent_at:
                messages.success(
                    request,
                    _("%(name)s has a login, %(username)s; the invitation was sent to %(address)s.")
                    % {
                        "name": participant,
                        "username": invitation.user.username,
                        "address": invitation.address,
                    },
                )
            else:
                messages.error(
                    request,
                    _(
                        "The invitation could not be sent (%(error)s). "
                        "Send it again from the accounts page."
                    )
                    % {"error": invitation.send_error},
                )
            return redirect("programme:participant_detail", pk=participant.pk)
    return render(
        request,
        "programme/participant_give_login.html",
        {
            "participant": participant,
            "form": form,
            "refusal": refusal,
            "hours": settings.INVITATION_MAX_AGE_HOURS,
        },
    )
