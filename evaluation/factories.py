"""factory_boy factories of the evaluation's records: the nurse's visits and a case's outcomes,
contexts and mechanisms. Records that link evidence and codes are saved through
`evaluation.services` by the tests and the demo."""

from __future__ import annotations

import datetime as dt

import factory

from logbooks.factories import PairFactory
from logbooks.models import PairStatus
from programme.factories import ParticipantFactory
from tod.accounts.factories import SiteFactory

from .models import ContextFactor, Mechanism, NurseVisit, Outcome
from .models.choices import VisitKind


class NurseVisitFactory(factory.django.DjangoModelFactory[NurseVisit]):
    """A nurse's visit before the pair starts (`kind=VisitKind.POST` for after)."""

    class Meta:
        model = NurseVisit

    site = factory.SubFactory(SiteFactory)
    peer = factory.SubFactory(ParticipantFactory, site=factory.SelfAttribute("..site"))
    kind = VisitKind.PRE
    visited_on = dt.date(2026, 1, 20)


# A case is a started pair.
CASE = factory.SubFactory(PairFactory, status=PairStatus.ACTIVE)


class OutcomeFactory(factory.django.DjangoModelFactory[Outcome]):
    class Meta:
        model = Outcome

    pair = CASE
    kind = "self_care_awareness"
    result = "yes"


class ContextFactorFactory(factory.django.DjangoModelFactory[ContextFactor]):
    class Meta:
        model = ContextFactor

    pair = CASE
    subject = "peer"
    category = "energy"
    influence = "hindering"


class MechanismFactory(factory.django.DjangoModelFactory[Mechanism]):
    class Meta:
        model = Mechanism

    pair = CASE
    kind = "reasoning"
    category = "trust"
    actor = "both"
