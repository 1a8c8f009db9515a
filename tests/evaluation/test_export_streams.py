"""Both evaluation exports are sent from a file in blocks (a streamed response with its length
and an attachment name), not built as one value in memory: a national export's size does not
set the server's memory (bench/exports.py measures it)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone


@pytest.mark.parametrize(
    ("name", "suffix", "member"),
    [
        ("evaluation:export_csv", "zip", "cases.csv"),
        ("evaluation:export_qdpx", "qdpx", "project.qde"),
    ],
)
def test_the_exports_are_streamed_from_a_file(client, evaluator, full_case, name, suffix, member):
    client.force_login(evaluator)
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response.streaming
    body = response.getvalue()
    assert int(response["Content-Length"]) == len(body)
    assert response["Content-Disposition"] == (
        f'attachment; filename="tod-evaluation-{timezone.localdate()}.{suffix}"'
    )
    assert "no-store" in response["Cache-Control"]
    assert member in zipfile.ZipFile(io.BytesIO(body)).namelist()
