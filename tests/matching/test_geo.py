"""Distances from the shipped postcode table (or coordinates where known)."""

import csv
import math

import pytest

from matching import geo, scoring
from matching.models import MatchSurvey


def km(a: str, b: str) -> float:
    x1, y1 = geo.location_km(a)
    x2, y2 = geo.location_km(b)
    return math.hypot(x1 - x2, y1 - y2)


def test_the_table_holds_every_danish_postcode_with_a_unique_name_row():
    with geo.POSTCODES_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1159
    assert len({row["postcode"] for row in rows}) == len(rows)
    assert all(len(row["postcode"]) == 4 and row["postcode"].isdigit() for row in rows)
    assert all(row["name"] for row in rows)


def test_every_row_of_the_table_is_in_denmark():
    for lat, lon in geo.postcode_table().values():
        assert 54.5 < lat < 57.8 and 8 < lon < 15.2


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("8000", "9000", 95, 110),  # Aarhus C to Aalborg, about 100 km as the crow flies
        ("2200", "8000", 145, 170),  # Copenhagen N to Aarhus C, about 157 km
        ("6700", "3700", 375, 405),  # Esbjerg to Rønne on Bornholm, about 390 km
        ("2200", "2100", 1, 4),  # neighbouring districts of Copenhagen
    ],
)
def test_distances_over_the_whole_country(a, b, low, high):
    assert low < km(a, b) < high


def test_the_corrections_of_the_source_hold():
    """LICENSE-postcodes.md: GeoNames put 0900 København C at Aalborg and 0999 at Skagen, had
    no 1000 and placed 0960 (abroad) in Himmerland."""
    assert geo.postcode_location("0900") == geo.postcode_location("1000")
    assert geo.postcode_location("0999") == geo.postcode_location("1000")
    assert km("0900", "1500") < 3
    assert geo.postcode_location("0960") is None


def test_inner_copenhagen_street_postcodes_without_a_row_share_their_district():
    assert geo.postcode_location("1499") == geo.postcode_location("1000")
    assert geo.postcode_location("1798") == geo.postcode_location("1500")
    assert geo.postcode_location("1999") == geo.postcode_location("1800")
    assert geo.postcode_location("9999") is None
    assert geo.postcode_location("") is None


def test_coordinates_win_over_the_postcode():
    assert geo.location_km("2200", 56.0, 10.0) == scoring.project(56.0, 10.0)
    assert geo.location_km("0000") == (None, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("survey", "record", "coordinates", "located"),
    [
        ("8000", "", None, True),
        ("", "9000", None, True),
        ("1499", "", None, True),  # a Copenhagen street postcode without a row of its own
        ("0000", "8000", None, False),  # the survey's postcode is the one that counts
        ("", "", None, False),
        ("9999", "", (56.1, 10.2), True),
    ],
)
def test_the_database_filter_agrees_with_the_table(
    pool_factory, survey, record, coordinates, located
):
    latitude, longitude = coordinates or (None, None)
    person = pool_factory("peer", 1, postcode=survey, latitude=latitude, longitude=longitude)[0]
    person.postcode = record
    person.save(update_fields=["postcode"])
    in_python = geo.location_km(survey or record, latitude, longitude) != (None, None)
    in_database = not MatchSurvey.objects.filter(participant=person).without_location().exists()
    assert in_python == in_database == located
