"""Human labels for the scorer's codes (criteria, constraints, sides, shared answers)."""

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .choices import Activity, Language, Slot

CRITERIA = {
    "similarity": _("Sociodemographic similarity"),
    "language": _("Shared language"),
    "distance": _("Distance"),
    "needs": _("Needs met by offers"),
    "availability": _("Availability overlap"),
    "experience": _("Lived experience"),
}

CONSTRAINTS = {
    "sex": _("sex"),
    "age": _("age range"),
    "ethnicity": _("same ethnic origin"),
    "language": _("a shared language"),
    "smoking": _("non-smoker"),
    "pets": _("pet allergy"),
    "distance": _("maximum distance"),
    "vulnerability": _("a vulnerability the supporter cannot take on"),
}

SIDES = {"peer": _("the peer's requirement"), "supporter": _("the supporter's requirement")}

SHARED = {
    "sex": _("sex"),
    "age": _("age"),
    "ethnicity": _("ethnic origin"),
    "education": _("education"),
    "occupation": _("employment"),  # the scorer's key for the background's employment
}

SOURCES = {
    "manager": _("forbidden by the manager"),
    "refusal": _("refused earlier"),
    "previous_pair": _("an earlier pair of these two ended"),
}

CODES = {**dict(Activity.choices), **dict(Language.choices), **dict(Slot.choices)}

UNLOCATED = {
    ("peer",): _("no known location for the peer"),
    ("supporter",): _("no known location for the supporter"),
    ("peer", "supporter"): _("no known location for either of them"),
}

UNCHECKED_LIMIT = {
    "peer": _("the peer's maximum distance of %(km)s km was not applied"),
    "supporter": _("the supporter's maximum distance of %(km)s km was not applied"),
}


def distance_note(explanation: dict) -> str:
    """'Distance not checked: no known location for the peer; the supporter's maximum distance
    of 5 km was not applied.' for an explanation whose distance is unknown."""
    parts = []
    whose = UNLOCATED.get(tuple(explanation.get("location_unknown") or ()))
    if whose is not None:
        parts.append(str(whose))
    for side, km in explanation.get("distance_limits_unchecked") or ():
        if side in UNCHECKED_LIMIT:
            parts.append(str(UNCHECKED_LIMIT[side]) % {"km": number_format(km, decimal_pos=0)})
    note = str(_("Distance not checked"))
    return f"{note}: {'; '.join(parts)}." if parts else f"{note}."
