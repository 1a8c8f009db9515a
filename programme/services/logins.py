"""A trained supporter's login, given by the manager from the participant's page: the platform
makes the account and sends the invitation (tod.invitations.services); this links it to the
participant, so the supporter sees their own pairs from their first login."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tod.accounts.models import Invitation, Role
from tod.invitations.services import account_invite

from ..models import Kind, Participant


def login_refusal(participant: Participant) -> str:
    """Why the participant cannot be given a login now ("" when they can)."""
    if participant.kind != Kind.SUPPORTER:
        return _("Only peer supporters log in; the project manager acts for peers.")
    if participant.user_id:
        return _("%(name)s already has a login.") % {"name": participant}
    if participant.is_withdrawn:
        return _("%(name)s has withdrawn.") % {"name": participant}
    if not Participant.objects.eligible_supporters().filter(pk=participant.pk).exists():
        return _("A supporter gets a login once trained (both days) and with programme consent.")
    return ""


@transaction.atomic
def participant_give_login(*, participant: Participant, channel: str, by) -> Invitation:
    """Make the supporter's account with the name, e-mail, phone and language of their record,
    send the invitation by `channel`, and link the account to the record. A second call (a
    repeated post) is refused: the record already has its login."""
    participant = (
        Participant.objects.select_for_update().select_related("site").get(pk=participant.pk)
    )
    refusal = login_refusal(participant)
    if refusal:
        raise ValidationError(refusal)
    invitation = account_invite(
        site=participant.site,
        role=Role.SUPPORTER,
        first_name=participant.first_name,
        last_name=participant.last_name,
        channel=channel,
        email=participant.email,
        phone=str(participant.phone) if participant.phone else "",
        language=participant.preferred_language,
        by=by,
    )
    participant.user = invitation.user
    participant.save(update_fields=["user"])
    return invitation
