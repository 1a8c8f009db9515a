"""The .qdpx project is valid REFI-QDA: its project.qde validates against the standard's
Project schema (QDA-XML 1.0, tests/evaluation/refi_qda/), with interviews, an observation and
logbooks as sources, coded selections (in an interview, the observation and a logbook), cases
and variables in it, so that QDA programs that check the schema (NVivo, ATLAS.ti, MAXQDA) open
it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
import xmlschema
from django.urls import reverse

from evaluation import services
from evaluation.models import CodeGroup
from logbooks.models import Logbook

SCHEMA = Path(__file__).parent / "refi_qda" / "Project.xsd"


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(SCHEMA)


def test_the_qdpx_project_validates_against_the_refi_qda_schema(
    client, evaluator, full_case, schema
):
    observation = services.observation_save(
        site=full_case.site,
        by=evaluator,
        values={
            "setting": "supervision",
            "observed_on": dt.date(2026, 4, 4),
            "title": "Supervision",
            "field_notes": "The group talks about boundaries. One supporter adapts her role.",
        },
    )
    services.meaning_unit_add(
        source=observation,
        text="One supporter adapts her role.",
        condensed="Adapting the role",
        code_groups=CodeGroup.objects.all()[:2],
        by=evaluator,
    )
    # The logbook of the case, coded: a logbook is a coded source too.
    services.meaning_unit_add(
        source=Logbook.objects.get(),
        text="we talked about money",
        code_groups=CodeGroup.objects.all()[:1],
        by=evaluator,
    )
    client.force_login(evaluator)

    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("evaluation:export_qdpx")).getvalue()))
    project = archive.read("project.qde")

    errors = [str(error) for error in schema.iter_errors(io.BytesIO(project))]
    assert errors == []
    decoded = schema.to_dict(io.BytesIO(project))
    sources = decoded["Sources"]
    assert sources.get("TextSource"), "the project holds its text sources"
    assert any(s.get("PlainTextSelection") for s in sources["TextSource"])
    logbook = next(s for s in sources["TextSource"] if s["@name"].startswith("Logbook"))
    assert len(logbook["PlainTextSelection"]) == 1, "the coded logbook has its selection"
    assert decoded["Cases"]["Case"], "and its cases"
