"""Distances from the shipped postcode table (or coordinates where known)."""

import math

from matching import geo, scoring


def test_every_row_of_the_table_is_in_denmark():
    table = geo.postcode_table()
    assert len(table) > 50
    for lat, lon in table.values():
        assert 54.5 < lat < 57.8 and 8 < lon < 15.2


def test_inner_copenhagen_street_postcodes_share_their_district():
    assert geo.postcode_location("1552") == geo.postcode_location("1500")
    assert geo.postcode_location("1050") == geo.postcode_location("1000")
    assert geo.postcode_location("9999") is None
    assert geo.postcode_location("") is None


def test_distance_copenhagen_to_aarhus_is_about_right():
    x1, y1 = geo.location_km("2200")
    x2, y2 = geo.location_km("8000")
    assert 145 < math.hypot(x1 - x2, y1 - y2) < 170  # about 157 km as the crow flies


def test_coordinates_win_over_the_postcode():
    assert geo.location_km("2200", 56.0, 10.0) == scoring.project(56.0, 10.0)
    assert geo.location_km("0000") == (None, None)
