"""Recruitment and screening: a referral or an expression of interest becomes a participant, the
first conversation, and the screening against the inclusion criteria."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    InitialConversation,
    InterestAttempt,
    Participant,
    ReferralChannel,
    Round,
    Screening,
    Status,
    derive_result,
)
from ..status import participant_statuses_refresh


@transaction.atomic
def participant_create(*, site, by, **fields) -> Participant:
    """Register a referral. Duplicates (same name and date of birth) are flagged by the form and
    on the list, never merged silently.

    The site and the round come as rows the caller has read (the form's choices, scoped to the
    user): full_clean checks every other field, and the database's foreign keys that they still
    exist, rather than two more queries per participant (an import creates thousands)."""
    participant = Participant(site=site, **fields)
    participant.full_clean(exclude=["site", "round"])
    participant.save()
    return participant


def _address_hash(address: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


INTEREST_LIMIT = 5  # submissions per address
INTEREST_WINDOW = dt.timedelta(hours=1)


@transaction.atomic
def interest_attempt_claim(*, address: str, now: dt.datetime | None = None) -> bool:
    """Count one submission of the public form for the address, unless the address has used
    up its INTEREST_LIMIT submissions in the window: True when counted (go on), False when
    limited. Attempts older than a day are forgotten.

    Counting and recording are one step per address: on PostgreSQL a transaction-level
    advisory lock on the address makes concurrent posts from it take turns, so each counts
    the attempts the others committed (a check, then an insert, let 7 of 20 simultaneous posts
    through a limit of 5). The lock is held until the caller's transaction ends. (SQLite, for
    development only, has no such lock.)"""
    now = now or timezone.now()
    key = _address_hash(address)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"interest:{key}"])
    recent = InterestAttempt.objects.filter(
        address_hash=key, created_at__gt=now - INTEREST_WINDOW
    ).count()
    if recent >= INTEREST_LIMIT:
        return False
    InterestAttempt.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    InterestAttempt.objects.create(address_hash=key, created_at=now)
    return True


@transaction.atomic
def interest_submit(*, site, kind: str, message: str = "", **fields) -> Participant:
    """A person filled the public interest form: a referral through the web page, screened later
    by the manager. No login; `by` is nobody."""
    return participant_create(
        site=site,
        by=None,
        kind=kind,
        round=Round.objects.current_for_site(site),
        referral_channel=ReferralChannel.WEB_PAGE,
        referral_note=message,
        status=Status.REFERRED,
        **fields,
    )


@transaction.atomic
def conversation_record(*, participant: Participant, held_on: dt.date, notes: str, by):
    return InitialConversation.objects.create(
        participant=participant, held_on=held_on, notes=notes, held_by=by
    )


@transaction.atomic
def screening_record(
    *,
    participant: Participant,
    screened_on: dt.date,
    answers: dict[str, str],
    by,
    override_result: str = "",
    override_reason: str = "",
    notes: str = "",
) -> Screening:
    """Screen a participant criterion by criterion. The result is derived from the answers; the
    manager may override it, but only with a reason, which is kept next to the derived result."""
    derived = derive_result(participant.kind, answers)
    result = derived
    if override_result and override_result != derived:
        if not override_reason.strip():
            raise ValidationError(_("Give a reason for overriding the result."))
        result = override_result
    screening = Screening.objects.create(
        participant=participant,
        screened_on=screened_on,
        screened_by=by,
        answers=answers,
        derived_result=derived,
        result=result,
        override_reason=override_reason if result != derived else "",
        notes=notes,
    )
    participant_statuses_refresh(participants=[participant])
    return screening
