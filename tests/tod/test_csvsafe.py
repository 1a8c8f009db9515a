"""Every CSV the product writes is safe to open in a spreadsheet (OWASP CSV injection): text
starting with = + - @, tab or carriage return is prefixed with a single quote; numbers stay
numbers. The per-export tests are tests/programme/test_csv_injection.py and
tests/evaluation/test_csv_injection.py."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy

from tod import csvsafe

ROOT = Path(__file__).resolve().parents[2]
# Everything of the project that could write a CSV: the apps, the commands inside them, the
# benchmarks and scripts. Tests are left out (they read CSVs to check them).
PROJECT_DIRS = ("tod", "programme", "matching", "logbooks", "evaluation", "bench", "scripts")
RAW_WRITERS = {"writer", "DictWriter"}
THE_ONE_PLACE = ROOT / "tod" / "csvsafe.py"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_like_a_formula_is_quoted(start):
    assert csvsafe.neutralise(f'{start}HYPERLINK("http://x","y")').startswith(f"'{start}")


@pytest.mark.parametrize("value", ["Anne", " =1+1", "", "2200", "Hr. Madsen", "a=b"])
def test_ordinary_text_is_unchanged(value):
    assert csvsafe.neutralise(value) == value


@pytest.mark.parametrize("value", [-5, -0.5, Decimal("-7.25"), 0, None, True, dt.date(2026, 1, 1)])
def test_numbers_dates_and_blanks_stay_what_they_are(value):
    assert csvsafe.neutralise(value) is value


def test_a_lazily_translated_label_is_checked_as_text():
    assert csvsafe.neutralise(gettext_lazy("-x")) == "'-x"


def test_the_writer_neutralises_every_cell_and_keeps_numbers():
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(["=1+1", -3, Decimal("-1.5"), "@SUM(A1)"])
    writer.writerows([["-2", "plain"], ["\tx", 4]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["'=1+1", "-3", "-1.5", "'@SUM(A1)"], ["'-2", "plain"], ["'\tx", "4"]]


def _raw_csv_writers(path: Path) -> list[str]:
    """Where a module builds csv.writer / csv.DictWriter itself (any import spelling)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    csv_names = {"csv"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            csv_names |= {a.asname or a.name for a in node.names if a.name == "csv"}
        elif isinstance(node, ast.ImportFrom) and node.module == "csv":
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} from csv import {a.name}"
                for a in node.names
                if a.name in RAW_WRITERS or a.name == "*"
            ]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in RAW_WRITERS
            and isinstance(node.value, ast.Name)
            and node.value.id in csv_names
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} csv.{node.attr}")
    return found


def test_no_module_writes_csv_but_through_csvsafe():
    """A new export that builds its own csv.writer would write formulas as they came: fail."""
    modules = [
        path
        for folder in PROJECT_DIRS
        if (ROOT / folder).is_dir()
        for path in (ROOT / folder).rglob("*.py")
        if path != THE_ONE_PLACE
    ]
    assert len(modules) > 50  # the walk found the project
    offenders = [hit for path in modules for hit in _raw_csv_writers(path)]
    assert offenders == []


def test_the_check_catches_each_spelling(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import csv\nimport csv as c\nfrom csv import DictWriter\n"
        "csv.writer(f)\nc.DictWriter(f, [])\ncsv.reader(f)\n"
    )
    assert len(_raw_csv_writers(sample)) == 3


# Modules that name CSV without writing it, and the module that writes it for them: the import
# template's download view (the template's header row), the data dictionary (its resources' media
# type) of the evaluation's CSV zip.
WRITTEN_BY = {
    "programme/views/imports.py": "programme/imports/template.py",
    "evaluation/exports/dictionary.py": "evaluation/exports/csv.py",
}


def test_every_csv_response_of_the_project_is_written_by_csvsafe():
    """The call sites that answer text/csv are the ones that use csvsafe.writer (so a view that
    writes CSV another way, e.g. by joining strings, is noticed)."""
    writes_csv, uses_csvsafe = set(), set()
    for folder in PROJECT_DIRS:
        for path in (ROOT / folder).rglob("*.py") if (ROOT / folder).is_dir() else []:
            text = path.read_text()
            name = str(path.relative_to(ROOT))
            if "text/csv" in text or (
                '.csv"' in text and ("writestr" in text or "zip_entry" in text)
            ):
                writes_csv.add(WRITTEN_BY.get(name, name))
            if "csvsafe.writer(" in text:
                uses_csvsafe.add(name)
    assert (
        writes_csv
        == uses_csvsafe
        == {
            "programme/views/recruitment.py",
            "programme/imports/template.py",
            "evaluation/exports/csv.py",
            "logbooks/report_views.py",
        }
    )
