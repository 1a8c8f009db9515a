"""Human labels for the scorer's codes (criteria, constraints, sides, shared answers)."""

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
    "occupation": _("occupation"),
}

SOURCES = {
    "manager": _("forbidden by the manager"),
    "refusal": _("refused earlier"),
    "previous_pair": _("an earlier pair of these two ended"),
}

CODES = {**dict(Activity.choices), **dict(Language.choices), **dict(Slot.choices)}
