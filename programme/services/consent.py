"""Consent per purpose, recorded against the consent text the participant was shown."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Consent,
    ConsentDecision,
    ConsentPurpose,
    ConsentText,
    Participant,
    ScreeningResult,
    purposes_for,
)
from ..status import participant_statuses_refresh


@transaction.atomic
def consent_record(
    *,
    participant: Participant,
    purpose: str,
    decision: str,
    decided_on: dt.date,
    method: str,
    by,
    text: ConsentText | None = None,
    note: str = "",
    screening_override_reason: str = "",
) -> Consent:
    """Record an answer for one purpose. Appends to the history; earlier answers stay.

    Programme consent is given after an eligible screening (the latest one counts): it opens
    the course and the matching. Without one the manager may record it only with a reason
    (`screening_override_reason`, kept on the answer), as a screening's result is overridden."""
    text = text or ConsentText.objects.current(purpose, site=participant.site_id)
    if text is None or text.purpose != purpose or text.site_id != participant.site_id:
        raise ValidationError(_("Choose a consent text for this purpose."))
    if purpose not in purposes_for(participant.kind):
        raise ValidationError(
            {"purpose": _("Peers are not observed: only supporters are asked about it.")}
        )
    if participant.is_withdrawn and decision == ConsentDecision.GIVEN:
        raise ValidationError(_("The participant has withdrawn from the programme."))
    screening_override_reason = screening_override_reason.strip()
    gives_programme = purpose == ConsentPurpose.PROGRAMME and decision == ConsentDecision.GIVEN
    if not gives_programme or latest_screening_result(participant) == ScreeningResult.ELIGIBLE:
        screening_override_reason = ""
    elif not screening_override_reason:
        raise ValidationError(
            {
                "screening_override_reason": _(
                    "%(name)s has no eligible screening. Screen them first, or give the reason "
                    "for recording programme consent without it."
                )
                % {"name": participant.full_name}
            }
        )
    consent = Consent.objects.create(
        participant=participant,
        purpose=purpose,
        decision=decision,
        text=text,
        decided_on=decided_on,
        method=method,
        recorded_by=by,
        note=note,
        screening_override_reason=screening_override_reason,
    )
    participant_statuses_refresh(participants=[participant])
    return consent


def latest_screening_result(participant: Participant) -> str | None:
    """The result of the participant's latest screening (None when never screened)."""
    latest = participant.screenings.latest_first().first()
    return latest.result if latest else None


def current_consents(participant: Participant) -> dict[str, Consent | None]:
    """The latest answer per purpose (None when never asked)."""
    latest: dict[str, Consent | None] = {
        purpose: None for purpose in purposes_for(participant.kind)
    }
    for consent in participant.consents.select_related("text").order_by("recorded_at", "id"):
        latest[consent.purpose] = consent
    return latest
