"""Where a participant lives, on the scorer's plane: the survey's coordinates when known, else
the centre of their postal district from the shipped table (data/postcodes.csv: every Danish
postcode, from GeoNames under CC BY 4.0 with the corrections listed in
data/LICENSE-postcodes.md). A location that is still unknown (a postcode the table lacks, or
none) leaves the pair's distance "not checked" (scoring.explain)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.db.models import Q

from . import scoring

POSTCODES_FILE = Path(__file__).resolve().parent / "data" / "postcodes.csv"

# Inner Copenhagen's street postcodes without a row of their own share their district's centre.
_RANGES = ((1000, 1499, "1000"), (1500, 1799, "1500"), (1800, 1999, "1800"))


@cache
def postcode_table() -> dict[str, tuple[float, float]]:
    with POSTCODES_FILE.open(encoding="utf-8") as handle:
        return {
            row["postcode"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def postcode_location(postcode: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a postal district, or None when the table does not know it."""
    postcode = (postcode or "").strip()
    table = postcode_table()
    if postcode in table:
        return table[postcode]
    if postcode.isdigit():
        number = int(postcode)
        for low, high, shared in _RANGES:
            if low <= number <= high:
                return table.get(shared)
    return None


def known_postcode_q(field: str) -> Q:
    """The rows whose postcode in `field` has a location (`postcode_location` is not None), as a
    database filter. Postcodes are stored as four digits (the forms' validators), so the
    Copenhagen ranges compare as strings."""
    query = Q(**{f"{field}__in": sorted(postcode_table())})
    for low, high, _shared in _RANGES:
        query |= Q(**{f"{field}__gte": f"{low:04d}", f"{field}__lte": f"{high:04d}"})
    return query


def location_km(
    postcode: str, latitude: float | None = None, longitude: float | None = None
) -> tuple[float | None, float | None]:
    """(x, y) in km for the scorer, or (None, None) when neither coordinates nor postcode are
    known."""
    if latitude is not None and longitude is not None:
        return scoring.project(float(latitude), float(longitude))
    found = postcode_location(postcode)
    if found is None:
        return None, None
    return scoring.project(*found)
