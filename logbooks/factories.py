"""factory_boy factories of the pair's life: the pair, its meeting plan, meetings and logbooks.

A pair that starts, pauses or ends does so through `logbooks.services` (meetings planned,
reminders queued); these factories make the rows themselves, for fixtures and bulk inserts.
"""

from __future__ import annotations

import datetime as dt

import factory

# Pair moves to logbooks.models; until then it lives in matching.
from logbooks.models import Pair, PairStatus
from programme.factories import ParticipantFactory, at
from programme.models import Kind
from tod.accounts.factories import SiteFactory

from .models import Logbook, LogbookStatus, Meeting, MeetingPlan, MeetingStatus


class PairFactory(factory.django.DjangoModelFactory[Pair]):
    """A peer and a supporter of one site who have both agreed (status AGREED unless told)."""

    class Meta:
        model = Pair

    site = factory.SubFactory(SiteFactory)
    peer = factory.SubFactory(ParticipantFactory, site=factory.SelfAttribute("..site"))
    supporter = factory.SubFactory(
        ParticipantFactory, site=factory.SelfAttribute("..site"), kind=Kind.SUPPORTER
    )
    status = PairStatus.AGREED
    # A pair that continues another (a substitute supporter) belongs to its case.
    root_pair = factory.LazyAttribute(
        lambda pair: (
            previous.case_root() if (previous := getattr(pair, "previous_pair", None)) else None
        )
    )


class MeetingPlanFactory(factory.django.DjangoModelFactory[MeetingPlan]):
    class Meta:
        model = MeetingPlan

    pair = factory.SubFactory(PairFactory, status=PairStatus.ACTIVE)
    match_meeting_on = dt.date(2026, 3, 3)
    weekday = factory.LazyAttribute(lambda plan: plan.match_meeting_on.weekday())
    place = "Biblioteket"


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    """A planned meeting (`status=MeetingStatus.HELD, held_on=...` for a held one)."""

    class Meta:
        model = Meeting

    pair = factory.SubFactory(PairFactory, status=PairStatus.ACTIVE)
    sequence = 1
    planned_at = factory.LazyFunction(lambda: at(dt.date(2026, 3, 17), 10))
    status = MeetingStatus.PLANNED


class LogbookFactory(factory.django.DjangoModelFactory[Logbook]):
    """A submitted logbook of a held meeting, written by the pair's supporter."""

    class Meta:
        model = Logbook

    meeting = factory.SubFactory(
        MeetingFactory, status=MeetingStatus.HELD, held_on=dt.date(2026, 3, 17)
    )
    author = factory.LazyAttribute(lambda logbook: logbook.meeting.pair.supporter.user)
    status = LogbookStatus.SUBMITTED
