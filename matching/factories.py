"""factory_boy factories of matching's records: the match survey and the site's weights."""

from __future__ import annotations

import factory

from programme.factories import BackgroundFactory, ParticipantFactory
from tod.accounts.factories import SiteFactory, UserFactory

from .models import MatchSurvey, MatchWeights


class MatchSurveyFactory(factory.django.DjangoModelFactory[MatchSurvey]):
    """The current (first) match survey of a participant, filled with the manager's help."""

    class Meta:
        model = MatchSurvey
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    version = 1
    is_current = True
    filled_by = factory.SubFactory(UserFactory)
    languages = factory.LazyFunction(lambda: ["da"])
    postcode = factory.SelfAttribute("participant.postcode")
    activities = factory.LazyFunction(lambda: ["walks", "company"])
    availability = factory.LazyFunction(lambda: ["weekday_morning"])

    @factory.post_generation
    def background(obj, create, extracted, **values):
        """The participant's background as the survey's form saves it (programme.Background,
        ADR 0013): BackgroundFactory's defaults unless the participant has one already;
        `background__education="long"` sets a field, `background=False` leaves none."""
        if create and extracted is not False:
            BackgroundFactory(participant=obj.participant, **values)


class MatchWeightsFactory(factory.django.DjangoModelFactory[MatchWeights]):
    """A site's weights (the defaults); one per site, so asking twice gives the same row."""

    class Meta:
        model = MatchWeights
        django_get_or_create = ("site",)

    site = factory.SubFactory(SiteFactory)
