"""Formulas written in the nurse's notes and an evaluator's context description reach the
evaluation CSV zip as text (OWASP CSV injection; tod/csvsafe.py), the measures as numbers."""

from __future__ import annotations

import csv
import io
import zipfile

from django.urls import reverse

from evaluation import services

from .conftest import record_evaluation

FORMULA = '=HYPERLINK("http://x","y")'


def _table(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))


def test_formulas_in_notes_and_descriptions_are_text_in_the_csv_zip(client, evaluator, nurse, case):
    record_evaluation(case, evaluator)
    services.nurse_visit_save(
        peer=case.peer,
        kind="pre",
        by=nurse,
        values={
            "self_care_note": FORMULA,
            "medication_note": "+45 cmd|' /C calc'!A0",
            "other_diagnoses_note": "\t=1+1",
        },
    )
    services.context_add(
        pair=case,
        subject="peer",
        category="finances_occupation",
        influence="hindering",
        description="@SUM(1+1)*cmd|' /C calc'!A0",
        by=evaluator,
    )
    client.force_login(evaluator)
    response = client.get(reverse("evaluation:export_csv"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))

    pre = next(v for v in _table(archive, "nurse_visits") if v["kind"] == "pre")
    assert pre["self_care_note"] == "'" + FORMULA
    assert pre["medication_note"] == "'+45 cmd|' /C calc'!A0"
    assert pre["other_diagnoses_note"] == "'\t=1+1"
    assert pre["hba1c_mmol_mol"] == "70"  # a measure stays a number
    descriptions = [c["description"] for c in _table(archive, "contexts")]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in descriptions
    for name in archive.namelist():
        for row in csv.reader(io.StringIO(archive.read(name).decode())):
            assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in row), (name, row)
