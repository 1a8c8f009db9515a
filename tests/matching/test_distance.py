"""A location that is still unknown is said, not silently ignored (issue 17, item 6): the
explanation and the proposal say "distance not checked", with whose location is unknown and
which maximum distance could not be applied, and the board lists the pool's people without a
known location, linked to their record and their match survey."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from logbooks.models import Pair
from matching import scoring, services
from matching.models import MatchProposal
from programme.models import Kind
from tests.matching.test_views import survey_post

pytestmark = pytest.mark.django_db

NOT_CHECKED = "Afstand ikke tjekket"


def squashed(page: str) -> str:
    """The page's text as a reader sees it: no tags, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(page)).split())


def test_the_explanation_says_whose_location_is_unknown_and_which_limit_was_not_applied():
    peer = scoring.Answers(id=1, x_km=None, y_km=None, max_distance_km=5.0)
    supporter = scoring.Answers(id=2, x_km=100.0, y_km=0.0, max_distance_km=12.0)
    explanation = scoring.explain(peer, supporter, scoring.Weights())
    assert explanation["distance_km"] is None and explanation["total"] is not None
    assert explanation["location_unknown"] == ["peer"]
    assert explanation["distance_limits_unchecked"] == [["peer", 5.0], ["supporter", 12.0]]
    known = scoring.explain(scoring.Answers(id=1, x_km=0.0, y_km=0.0), supporter, scoring.Weights())
    assert known["location_unknown"] == [] and known["distance_limits_unchecked"] == []


def test_an_unknown_postcode_says_distance_not_checked_until_it_is_corrected(
    client, manager, site, pool_factory
):
    # Postcode 3900 is Nuuk in Greenland: not in the table of Danish postcodes.
    [peer] = pool_factory(Kind.PEER, 1, postcode="3900", max_distance_km=5)
    [supporter] = pool_factory(Kind.SUPPORTER, 1, postcode="8000")
    client.force_login(manager)

    client.post(reverse("matching:run_start"), {"site": site.pk})
    board = squashed(client.get(reverse("matching:board")).content.decode())
    proposal = MatchProposal.objects.get()
    assert proposal.explanation["distance_km"] is None
    note = f"{NOT_CHECKED}: peerens bopæl er ukendt; peerens krav om højst 5 km kunne ikke bruges."
    assert note in board

    candidates = client.get(reverse("matching:candidates", args=[peer.pk])).content.decode()
    assert note in squashed(candidates)
    compare = client.get(reverse("matching:compare", args=[peer.pk, supporter.pk]))
    residence = [row for row in compare.context["rows"] if row[0] == "Bopæl"][0]
    assert residence[1:3] == ("3900", "8000 · afstand ikke tjekket")
    assert note in squashed(compare.content.decode())

    # The pair formed from the proposal keeps the explanation, and its page says it too.
    client.post(reverse("logbooks:proposal_accept", args=[proposal.pk]))
    pair = Pair.objects.get()
    page = client.get(reverse("logbooks:pair_detail", args=[pair.pk])).content.decode()
    assert note in squashed(page)

    # The manager corrects the postcode: 2200 is 155 km from Aarhus, beyond the peer's 5 km.
    pair.delete()
    response = client.post(
        reverse("matching:survey_edit", args=[peer.pk]),
        survey_post(postcode="2200", max_distance_km="5"),
    )
    assert response.status_code == 302
    client.post(reverse("matching:run_start"), {"site": site.pk})
    board = squashed(client.get(reverse("matching:board")).content.decode())
    assert NOT_CHECKED not in board
    candidates = client.get(reverse("matching:candidates", args=[peer.pk]))
    [row] = candidates.context["rows"]
    assert row["excluded"] and row["explanation"]["exclusions"] == [["distance", "peer"]]
    assert row["explanation"]["distance_km"] > 150


def test_the_board_lists_the_pool_without_a_known_location(
    client, manager, other_manager, site, other_site, pool_factory, programme_round
):
    located = pool_factory(Kind.PEER, 1, prefix="Located", postcode="8000")[0]
    no_postcode = pool_factory(Kind.PEER, 1, prefix="Nopostcode")[0]
    no_postcode.postcode = ""
    no_postcode.save(update_fields=["postcode"])
    greenland = pool_factory(Kind.SUPPORTER, 1, prefix="Greenland", postcode="3900")[0]
    coordinates = pool_factory(
        Kind.SUPPORTER, 1, prefix="Coordinates", postcode="3900", latitude=56.1, longitude=10.2
    )[0]
    no_survey = pool_factory(Kind.PEER, 1, prefix="Nosurvey", survey=False)[0]
    no_survey.postcode = ""
    no_survey.save(update_fields=["postcode"])
    client.force_login(manager)

    response = client.get(reverse("matching:board"))
    page = response.content.decode()
    assert [p.pk for p in response.context["unlocated"]] == [no_postcode.pk, greenland.pk]
    text = squashed(page)
    assert "2 personer i puljen har ingen kendt bopæl" in text
    assert f"{no_postcode.full_name} (Peer, intet postnummer)" in text
    assert f"{greenland.full_name} (Peer-støtte, ukendt postnummer 3900)" in text
    for person in (no_postcode, greenland):
        assert f'href="{reverse("programme:participant_detail", args=[person.pk])}"' in page
        assert f'href="{reverse("matching:survey_edit", args=[person.pk])}"' in page
    for person in (located, coordinates, no_survey):
        assert person.full_name not in page

    # Another site's manager sees none of them.
    client.force_login(other_manager)
    assert no_postcode.full_name not in client.get(reverse("matching:board")).content.decode()

    # The manager adds a postcode the table knows: the supporter leaves the list.
    client.force_login(manager)
    services.survey_submit(participant=greenland, answers={"postcode": "9000"}, by=manager)
    response = client.get(reverse("matching:board"))
    assert [p.pk for p in response.context["unlocated"]] == [no_postcode.pk]
    assert "1 person i puljen har ingen kendt bopæl" in squashed(response.content.decode())
