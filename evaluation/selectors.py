"""Reads the evaluation reuses: which participants may enter evaluation data. Nothing of a
participant enters evaluation data without their evaluation consent (programme's Consent
records: the latest answer for the evaluation purpose must be 'given')."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from programme.models import Participant


def evaluation_consented() -> QuerySet[Participant]:
    return Participant.objects.with_evaluation_consent()


def evaluation_consent_q(prefix: str = "") -> Q:
    """A filter on Participant (or on a relation to it, with `prefix` like 'peer__') for the
    participants whose latest evaluation consent is 'given', as one subquery."""
    field = f"{prefix[:-2]}__in" if prefix else "pk__in"
    return Q(**{field: evaluation_consented().values("pk")})


def has_evaluation_consent(participant: Participant) -> bool:
    return evaluation_consented().filter(pk=participant.pk).exists()


def evaluation_participants(user) -> QuerySet[Participant]:
    return Participant.objects.for_user(user).filter(evaluation_consent_q())


def redactor_for(user, site=None):
    """A Redactor that knows every participant and staff member of the user's sites (or of one
    site): free text is pseudonymised whoever it mentions, consented or not."""
    from tod.accounts.models import User

    from .pseudonyms import Redactor

    if site is not None:
        return redactor_for_site(site)
    participants = Participant.objects.for_user(user)
    staff = User.objects.filter(sites__in=user.sites.all()).distinct()
    return Redactor(participants, staff=staff)


def redactor_for_site(site):
    from tod.accounts.models import User

    from .pseudonyms import Redactor

    return Redactor(
        Participant.objects.filter(site=site), staff=User.objects.filter(sites=site).distinct()
    )
