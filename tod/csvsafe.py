"""CSV files that a spreadsheet opens as data, never as formulas.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a
formula (tab and carriage return can hide such a start), so a first name typed into the public
interest form as `=HYPERLINK("http://…","…")` would become a live link, or worse, on the
manager's desk. OWASP's rule (CSV injection): prefix such a cell with a single quote, which the
spreadsheet shows as text and does not run.

Only text is neutralised: an int, float or Decimal written by the product is a number the
researcher wants to compute with, and a negative one is not a formula. Every CSV the product
writes goes through `writer()` here; tests/tod/test_csvsafe.py fails when a module of the project
builds a csv.writer or csv.DictWriter of its own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise

# OWASP: https://owasp.org/www-community/attacks/CSV_Injection
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet may safely open it: text that starts like a formula gets a
    leading single quote; everything else (numbers, dates, None) is returned unchanged."""
    if isinstance(value, Promise):  # a lazily translated label is text too
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer's writerow/writerows, with every cell neutralised first."""

    def __init__(self, stream, **options) -> None:
        self._writer = csv.writer(stream, **options)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **options) -> SafeWriter:
    """A csv.writer on `stream` (a file, a StringIO or an HttpResponse) that neutralises
    formula cells. Takes csv.writer's dialect and format options."""
    return SafeWriter(stream, **options)
