"""Every range check: implausible values are refused, unusual ones ask for confirmation."""

import pytest
from django.utils import translation

from evaluation.ranges import RANGES, check_measures

TYPICAL = {
    "hba1c_mmol_mol": 60,
    "systolic_mmhg": 140,
    "diastolic_mmhg": 85,
    "weight_kg": 90,
    "height_cm": 175,
    "waist_cm": 105,
    "gp_contacts": 4,
    "missed_appointments": 1,
}


def test_typical_values_pass_without_warning():
    assert check_measures(TYPICAL) == ({}, {})


@pytest.mark.parametrize("name", sorted(RANGES))
def test_values_outside_the_plausible_range_are_refused(name):
    rng = RANGES[name]
    for value in (rng.refuse_above + 1,) + ((rng.refuse_below - 1,) if rng.refuse_below else ()):
        with translation.override("en"):
            errors, _warnings = check_measures({**TYPICAL, name: value})
        assert name in errors
        assert "is not plausible" in str(errors[name])
        assert f"{value:g}" in str(errors[name])


@pytest.mark.parametrize("name", sorted(n for n, r in RANGES.items()))
def test_unusual_values_ask_for_confirmation(name):
    rng = RANGES[name]
    errors, warnings = check_measures({**TYPICAL, name: rng.unusual_above + 1})
    assert errors == {}
    assert name in warnings


def test_hba1c_typed_in_percent_is_refused():
    errors, _ = check_measures({"hba1c_mmol_mol": 8})
    assert "hba1c_mmol_mol" in errors


def test_diastolic_must_be_below_systolic():
    errors, _ = check_measures({**TYPICAL, "systolic_mmhg": 120, "diastolic_mmhg": 125})
    assert "diastolic_mmhg" in errors


def test_unusual_bmi_asks_for_confirmation():
    _errors, warnings = check_measures({**TYPICAL, "weight_kg": 190, "height_cm": 150})
    assert "bmi" in warnings


def test_missing_values_are_not_checked():
    assert check_measures({"hba1c_mmol_mol": None}) == ({}, {})


def test_the_message_speaks_danish_by_default():
    errors, _ = check_measures({"hba1c_mmol_mol": 530})
    assert str(errors["hba1c_mmol_mol"]).startswith("HbA1c skal være mellem 20 og 200 mmol/mol")
