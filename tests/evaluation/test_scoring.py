"""WHO-5, PAID-5 and HbA1c against the worked examples of their manuals."""

from decimal import Decimal

import pytest

from evaluation import scoring


@pytest.mark.parametrize(
    ("items", "raw", "percent"),
    [
        # WHO-5 manual (Psychiatric Research Unit, Frederiksborg): raw 0-25 multiplied by 4.
        ([5, 5, 5, 5, 5], 25, 100),
        ([0, 0, 0, 0, 0], 0, 0),
        ([3, 3, 3, 3, 3], 15, 60),
        ([3, 2, 3, 2, 2], 12, 48),  # raw below 13: poor well-being, screen for depression
        ([1, 1, 2, 1, 2], 7, 28),  # 28 or below: likely depression
    ],
)
def test_who5_scores_the_manuals_examples(items, raw, percent):
    assert scoring.who5_raw(items) == raw
    assert scoring.who5_percent(items) == percent


def test_who5_cut_off_for_poor_wellbeing_is_50():
    assert scoring.who5_poor_wellbeing(48) is True
    assert scoring.who5_poor_wellbeing(50) is True
    assert scoring.who5_poor_wellbeing(52) is False
    assert scoring.who5_poor_wellbeing(None) is None


def test_who5_is_not_scored_until_every_item_is_answered():
    assert scoring.who5_percent([5, 4, None, 3, 2]) is None


def test_who5_refuses_items_outside_0_to_5():
    with pytest.raises(ValueError):
        scoring.who5_percent([6, 0, 0, 0, 0])


@pytest.mark.parametrize(
    ("items", "total", "distress"),
    [
        # PAID-5 (McGuire et al. 2010): five items 0-4, total 0-20, 8 or more: possible distress.
        ([0, 0, 0, 0, 0], 0, False),
        ([4, 4, 4, 4, 4], 20, True),
        ([1, 2, 1, 2, 1], 7, False),
        ([2, 2, 1, 2, 1], 8, True),
    ],
)
def test_paid5_scores_and_flags_distress_at_8(items, total, distress):
    assert scoring.paid5_total(items) == total
    assert scoring.paid5_distress(total) is distress


def test_paid5_refuses_items_outside_0_to_4():
    with pytest.raises(ValueError):
        scoring.paid5_total([5, 0, 0, 0, 0])


@pytest.mark.parametrize(
    ("mmol_mol", "percent"),
    [(48, "6.5"), (53, "7.0"), (64, "8.0"), (75, "9.0"), (86, "10.0"), (42, "6.0")],
)
def test_hba1c_in_percent_follows_the_ifcc_ngsp_equation(mmol_mol, percent):
    assert scoring.hba1c_percent(mmol_mol) == Decimal(percent)


def test_bmi_from_weight_and_height():
    assert scoring.bmi(Decimal("95.0"), Decimal("180.0")) == Decimal("29.3")
    assert scoring.bmi(None, 180) is None
