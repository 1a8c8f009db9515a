"""The CSV zip carries its data dictionary: datapackage.json, a Frictionless Data Package with a
Table Schema per CSV, so a researcher knows what each column means and can check the tables.
frictionless validates the package against the files (types, headers, every row); every
column the export writes has a description."""

from __future__ import annotations

import io
import json
import zipfile

import frictionless
import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import CodeGroup


@pytest.fixture
def export_dir(client, evaluator, full_case, tmp_path):
    observation = services.observation_save(
        site=full_case.site,
        by=evaluator,
        values={
            "setting": "network_meeting",
            "observed_on": full_case.started_on,
            "field_notes": "They share dilemmas. A supporter keeps a distance.",
        },
    )
    services.meaning_unit_add(
        source=observation,
        text="A supporter keeps a distance.",
        condensed="Distance",
        code_groups=CodeGroup.objects.all()[:1],
        by=evaluator,
    )
    client.force_login(evaluator)
    body = client.get(reverse("evaluation:export_csv")).getvalue()
    zipfile.ZipFile(io.BytesIO(body)).extractall(tmp_path)
    return tmp_path


def test_the_csv_zip_validates_as_a_frictionless_data_package(export_dir):
    report = frictionless.validate(export_dir / "datapackage.json")

    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])
    package = json.loads((export_dir / "datapackage.json").read_text())
    described = {r["path"] for r in package["resources"]}
    written = {p.name for p in export_dir.glob("*.csv")}
    assert described == written
    cases = next(r for r in package["resources"] if r["name"] == "cases")
    started = next(f for f in cases["schema"]["fields"] if f["name"] == "started_on")
    assert started["type"] == "date"


def test_every_column_the_export_writes_is_described(export_dir):
    package = json.loads((export_dir / "datapackage.json").read_text())

    undescribed = [
        f"{r['name']}.{f['name']}"
        for r in package["resources"]
        for f in r["schema"]["fields"]
        if not f.get("description")
    ]

    assert undescribed == []
    assert all(r["description"] for r in package["resources"])
