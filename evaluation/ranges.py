"""Plausible ranges for the nurse's measures.

A value outside the plausible range is refused (a typing error: HbA1c 530 for 53); a value inside
it but unusual for an adult with type 2 diabetes asks the nurse to confirm it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from .scoring import bmi


@dataclass(frozen=True)
class Range:
    label: object  # lazy translation
    unit: str
    refuse_below: float
    refuse_above: float
    unusual_below: float
    unusual_above: float


RANGES: dict[str, Range] = {
    "hba1c_mmol_mol": Range(_("HbA1c"), "mmol/mol", 20, 200, 31, 130),
    "systolic_mmhg": Range(_("Systolic blood pressure"), "mmHg", 60, 260, 90, 200),
    "diastolic_mmhg": Range(_("Diastolic blood pressure"), "mmHg", 30, 160, 50, 120),
    "weight_kg": Range(_("Weight"), "kg", 25, 350, 40, 200),
    "height_cm": Range(_("Height"), "cm", 100, 230, 140, 205),
    "waist_cm": Range(_("Waist"), "cm", 40, 250, 60, 170),
    "gp_contacts": Range(_("GP contacts"), "", 0, 200, 0, 40),
    "missed_appointments": Range(_("Missed appointments"), "", 0, 100, 0, 15),
}
BMI_UNUSUAL_BELOW = 16
BMI_UNUSUAL_ABOVE = 55


def check_measures(values: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Return (errors, warnings), each keyed by field name, for the values given (None skipped)."""
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    for name, rng in RANGES.items():
        value = values.get(name)
        if value is None:
            continue
        number = float(value)
        if number < rng.refuse_below or number > rng.refuse_above:
            errors[name] = _(
                "%(label)s must be between %(low)s and %(high)s %(unit)s; %(value)s is not "
                "plausible. Check the value and its unit."
            ) % {
                "label": rng.label,
                "low": _fmt(rng.refuse_below),
                "high": _fmt(rng.refuse_above),
                "unit": rng.unit,
                "value": _fmt(number),
            }
        elif number < rng.unusual_below or number > rng.unusual_above:
            warnings[name] = _(
                "%(label)s %(value)s %(unit)s is unusual (usually %(low)s-%(high)s)."
            ) % {
                "label": rng.label,
                "value": _fmt(number),
                "unit": rng.unit,
                "low": _fmt(rng.unusual_below),
                "high": _fmt(rng.unusual_above),
            }
    systolic, diastolic = values.get("systolic_mmhg"), values.get("diastolic_mmhg")
    if (
        systolic is not None
        and diastolic is not None
        and "systolic_mmhg" not in errors
        and "diastolic_mmhg" not in errors
        and diastolic >= systolic
    ):
        errors["diastolic_mmhg"] = str(
            _("The diastolic pressure must be lower than the systolic pressure.")
        )
    if "weight_kg" not in errors and "height_cm" not in errors:
        value = bmi(values.get("weight_kg"), values.get("height_cm"))
        if value is not None and not BMI_UNUSUAL_BELOW <= value <= BMI_UNUSUAL_ABOVE:
            warnings["bmi"] = _("BMI %(value)s is unusual: check weight and height.") % {
                "value": _fmt(value)
            }
    return errors, warnings


def _fmt(number: float | Decimal) -> str:
    """The number as the nurse's language writes it (6,5 in Danish), without a needless ",0"."""
    return floatformat(number, -1)
