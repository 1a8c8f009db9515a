"""Reads the evaluation reuses: which participants may enter evaluation data, and the Redactor
that knows every person of the installation. Nothing of a participant enters evaluation data
without their consent for that purpose (programme's Consent records, the latest answer per
purpose): routine data for the case and its records, interview for an interview of them
(docs/evaluation.md, "Consent")."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet

from programme.models import ConsentPurpose, Participant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from logbooks.models import Pair
    from tod.accounts.models import Site, User

    from .models import Interview
    from .pseudonyms import Redactor


def routine_data_consented() -> QuerySet[Participant]:
    consented: QuerySet[Participant] = Participant.objects.with_routine_data_consent()
    return consented


def routine_data_consent_q(prefix: str = "") -> Q:
    """A filter on Participant (or on a relation to it, with `prefix` like 'peer__') for the
    participants whose latest answer on the use of their routine data is 'given', as one
    subquery."""
    return _consent_q(routine_data_consented(), prefix)


def has_routine_data_consent(participant: Participant) -> bool:
    return routine_data_consented().filter(pk=participant.pk).exists()


def interview_consented() -> QuerySet[Participant]:
    consented: QuerySet[Participant] = Participant.objects.with_consent(ConsentPurpose.INTERVIEW)
    return consented


def has_interview_consent(participant: Participant) -> bool:
    return interview_consented().filter(pk=participant.pk).exists()


def _consent_q(consented: QuerySet[Participant], prefix: str) -> Q:
    field = f"{prefix[:-2]}__in" if prefix else "pk__in"
    return Q(**{field: consented.values("pk")})


def interviews_allowed_q() -> Q:
    """A filter on Interview: the interviews whose informant agreed to be interviewed. An
    interview of a case with its peer or one of its supporters names them (`informant`), whose
    interview consent must be given; staff (manager, nurse) are not participants, and an
    interview of no case has no participant to ask about."""
    return Q(informant__isnull=True) | Q(informant__in=interview_consented().values("pk"))


def allowed_interviews() -> QuerySet[Interview]:
    """The interviews whose informant agreed to be interviewed (interviews_allowed_q)."""
    from .models import Interview

    return Interview.objects.filter(interviews_allowed_q())


def evidence_allowed_q(pairs: QuerySet[Pair]) -> Q:
    """A filter on Evidence: the evidence whose source is still in the evaluation. A quote from
    an interview (cited, or through its coded excerpt) whose informant has since withdrawn
    their interview consent goes with the interview; a quote from a logbook or a nurse visit
    goes when its case no longer counts. `pairs`: the reader's case pairs (reports.case_pairs),
    as a queryset."""
    interviews = allowed_interviews().values("pk")
    return (
        (Q(interview__isnull=True) | Q(interview__in=interviews))
        & (Q(excerpt__interview__isnull=True) | Q(excerpt__interview__in=interviews))
        & (Q(logbook__isnull=True) | Q(logbook__meeting__pair__in=pairs.values("pk")))
        & (
            Q(excerpt__logbook__isnull=True)
            | Q(excerpt__logbook__meeting__pair__in=pairs.values("pk"))
        )
        & (Q(nurse_visit__isnull=True) | Q(nurse_visit__peer__in=pairs.values("peer_id")))
    )


def installation_redactor() -> Redactor:
    """A Redactor that knows every person of the installation: the participants of all sites
    (a name from another site is a name too: people move, pairs talk about friends) and every
    user (the staff, and supporters with a login). Two queries, whatever the numbers."""
    from tod.accounts.models import User

    from .pseudonyms import Redactor

    people = list(
        Participant.objects.filter(erased_at__isnull=True)
        .order_by("id")
        .values("id", "kind", "first_name", "last_name", "email", "address", "phone")
    )
    staff = list(User.objects.order_by("id").values("id", "first_name", "last_name", "email"))
    # Building the Redactor's dictionary takes half a second for 5,000 people; the rows change
    # rarely, so the Redactor is kept per process for the rows it was built from (and the key).
    key = hash(
        (
            settings.EVALUATION_PSEUDONYM_KEY,
            tuple(tuple(p.values()) for p in people),
            tuple(tuple(u.values()) for u in staff),
        )
    )
    redactor = _REDACTORS.get(key)
    if redactor is None:
        if len(_REDACTORS) >= 4:
            _REDACTORS.clear()
        redactor = _REDACTORS[key] = Redactor(
            [SimpleNamespace(**p) for p in people],
            staff=[SimpleNamespace(**u) for u in staff],
        )
    return redactor


_REDACTORS: dict[int, Redactor] = {}


def redactor_for(user: User | AnonymousUser, site: Site | None = None) -> Redactor:
    """The Redactor for what `user` sees: the installation's (free text is pseudonymised
    whoever it mentions, consented or not, of whichever site)."""
    return installation_redactor()


def redactor_for_site(site: Site) -> Redactor:
    """The Redactor texts are stored through: the installation's, as for reading."""
    return installation_redactor()
