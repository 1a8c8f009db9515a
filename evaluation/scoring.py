"""Scores and conversions the nurse's visit computes: pure functions, tested against the manuals.

- WHO-5 Well-Being Index (Psychiatric Research Unit, WHO Collaborating Centre, Frederiksborg):
  five items scored 0-5; the raw score (0-25) is multiplied by 4 to give a percentage (0-100).
  A percentage of 50 or below (raw below 13) suggests poor well-being; 28 or below, likely
  depression.
- PAID-5 (McGuire et al. 2010, short form of Problem Areas In Diabetes): five items scored 0-4,
  total 0-20; a total of 8 or more indicates possible diabetes distress.
- HbA1c: IFCC mmol/mol to NGSP %: % = 0.09148 x mmol/mol + 2.152 (the IFCC-NGSP master equation).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

WHO5_ITEMS = 5
WHO5_ITEM_MAX = 5
WHO5_POOR_WELLBEING_AT_OR_BELOW = 50
WHO5_LIKELY_DEPRESSION_AT_OR_BELOW = 28

PAID5_ITEMS = 5
PAID5_ITEM_MAX = 4
PAID5_DISTRESS_AT_OR_ABOVE = 8


def _complete(items: Sequence[int | None], count: int, item_max: int) -> list[int] | None:
    values = list(items)
    answered = [v for v in values if v is not None]
    if len(values) != count or len(answered) != count:
        return None
    for value in answered:
        if not 0 <= int(value) <= item_max:
            raise ValueError(f"item value {value} outside 0-{item_max}")
    return [int(v) for v in answered]


def who5_raw(items: Sequence[int | None]) -> int | None:
    """The raw WHO-5 score 0-25, or None while any item is unanswered."""
    values = _complete(items, WHO5_ITEMS, WHO5_ITEM_MAX)
    return None if values is None else sum(values)


def who5_percent(items: Sequence[int | None]) -> int | None:
    """The WHO-5 percentage score 0-100 (raw x 4), or None while any item is unanswered."""
    raw = who5_raw(items)
    return None if raw is None else raw * 4


def who5_poor_wellbeing(percent: int | None) -> bool | None:
    return None if percent is None else percent <= WHO5_POOR_WELLBEING_AT_OR_BELOW


def paid5_total(items: Sequence[int | None]) -> int | None:
    """The PAID-5 total 0-20, or None while any item is unanswered."""
    values = _complete(items, PAID5_ITEMS, PAID5_ITEM_MAX)
    return None if values is None else sum(values)


def paid5_distress(total: int | None) -> bool | None:
    """True when the total indicates possible diabetes distress (8 or more)."""
    return None if total is None else total >= PAID5_DISTRESS_AT_OR_ABOVE


def hba1c_percent(mmol_mol: int | float | Decimal | None) -> Decimal | None:
    """HbA1c in NGSP % (one decimal) from IFCC mmol/mol."""
    if mmol_mol is None:
        return None
    value = Decimal("0.09148") * Decimal(str(mmol_mol)) + Decimal("2.152")
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def bmi(weight_kg: Decimal | float | None, height_cm: Decimal | float | None) -> Decimal | None:
    """Body mass index (kg/m², one decimal)."""
    if not weight_kg or not height_cm:
        return None
    metres = Decimal(str(height_cm)) / 100
    value = Decimal(str(weight_kg)) / (metres * metres)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
