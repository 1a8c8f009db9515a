"""The participant's background: one record that the participant page, the match survey and the
evaluation's sample table share (ADR 0013)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from tod.accounts.models import User

from ..models import BACKGROUND_FIELDS, Background, Participant

logger = logging.getLogger(__name__)


@transaction.atomic
def background_update(*, participant: Participant, values: dict[str, Any], by: User) -> Background:
    """Set the given fields of the participant's background (creating it on first use); the
    fields not given keep their values, so the match survey can set the four it asks about and
    the participant page all seven.

    Idempotent: the same values again change nothing. The row is locked while it is updated, so
    a survey and a record page saved in the same instant apply one after the other. The audit
    trail records the change (database triggers); a proposal already made keeps, in its
    explanation, what was scored then.
    """
    background, _created = Background.objects.select_for_update().get_or_create(
        participant=participant
    )
    changed = False
    for name in BACKGROUND_FIELDS:
        if name in values and getattr(background, name) != values[name]:
            setattr(background, name, values[name])
            changed = True
    if changed:
        background.full_clean(exclude=["participant"])
        background.save()
        logger.info("background of %s saved by %s", participant.pk, getattr(by, "pk", None))
    return background
