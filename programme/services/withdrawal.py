"""Withdrawal at any time, and the participant's own part of an erasure of personal data."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    RESEARCH_PURPOSES,
    Consent,
    ConsentDecision,
    ConsentText,
    CourseInvitation,
    DataChoice,
    Participant,
    SessionInvitation,
    Withdrawal,
    purposes_for,
)
from ..registries import withdrawal_reactions_run
from ..status import participant_statuses_refresh
from .consent import current_consents


@transaction.atomic
def participant_withdraw(
    *,
    participant: Participant,
    withdrawn_on: dt.date,
    reason: str,
    initiated_by: str,
    data_choice: str,
    by,
) -> Withdrawal:
    """Withdraw a participant at any time. Their open pairs end (through the withdrawal
    reactions of `programme.registries`: logbooks ends the pairs and cancels their future
    meetings and reminders); future course and session invitations are cancelled; the data is
    kept or its personal part erased, as the participant chose. Nothing is deleted: the
    withdrawal record says what happened. Not idempotent: a participant withdraws once
    (ValidationError the second time)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if Withdrawal.objects.filter(participant=participant).exists():
        raise ValidationError(_("This participant has already withdrawn."))
    ended = withdrawal_reactions_run(participant=participant, reason=reason, by=by)
    now = timezone.now()
    CourseInvitation.objects.filter(
        participant=participant, cancelled_at__isnull=True, course__days__starts_at__gt=now
    ).update(cancelled_at=now)
    SessionInvitation.objects.filter(participant=participant, session__starts_at__gt=now).delete()
    withdrawal = Withdrawal.objects.create(
        participant=participant,
        withdrawn_on=withdrawn_on,
        reason=reason,
        initiated_by=initiated_by,
        data_choice=data_choice,
        recorded_by=by,
        pairs_ended=ended,
    )
    participant_statuses_refresh(participants=[participant])
    if participant.user_id:
        participant.user.is_active = False
        participant.user.save(update_fields=["is_active"])
    if data_choice == DataChoice.ERASE:
        # Everywhere, not only on the participant's own row: free text of other records, the
        # outbox and the audit trail (tod.privacy.erasure, which calls the function below).
        from tod.privacy.erasure import participant_erase

        participant_erase(participant=participant, by=by)
    return withdrawal


@transaction.atomic
def participant_erase_personal_data(*, participant: Participant, by) -> Participant:
    """The participant's own part of an erasure (use tod.privacy.erasure.participant_erase, which
    also cleans every other text and the audit trail): erase what identifies the participant
    (name, contact, address, free text about them), keep the year of birth, sex and the records
    the programme needs, and record that every research consent (routine data, interview,
    observation) is withdrawn so nothing of theirs enters evaluation data. Idempotent."""
    if participant.erased_at is not None:
        return participant
    participant.first_name = _("Erased")
    participant.last_name = f"#{participant.pk}"
    participant.date_of_birth = dt.date(participant.date_of_birth.year, 1, 1)
    participant.phone = ""
    participant.email = ""
    participant.address = ""
    participant.referred_by = ""
    participant.referral_note = ""
    participant.postcode = ""
    participant.erased_at = timezone.now()
    participant.save()
    participant.conversations.update(notes="")
    participant.screenings.update(notes="")
    current = current_consents(participant)
    for purpose in purposes_for(participant.kind):
        if purpose not in RESEARCH_PURPOSES:
            continue
        text = ConsentText.objects.current(purpose, site=participant.site_id)
        answer = current[purpose]
        if text is None or (answer is not None and answer.decision != ConsentDecision.GIVEN):
            continue
        Consent.objects.create(
            participant=participant,
            purpose=purpose,
            decision=ConsentDecision.WITHDRAWN,
            text=answer.text if answer else text,
            decided_on=timezone.localdate(),
            method=answer.method if answer else "written",
            recorded_by=by,
            note=_("Withdrawn with the erasure of personal data."),
        )
    return participant
