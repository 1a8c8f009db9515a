"""Both evaluation exports are sent from a file in blocks (a streamed response with its length
and an attachment name), not built as one value in memory: a national export's size does not
set the server's memory (bench/exports.py measures it)."""

from __future__ import annotations

import gc
import io
import zipfile

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from evaluation.views.exports import export_csv
from programme.models import Participant


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


def test_a_download_collected_unsent_leaves_another_requests_transaction_alone(
    rf, evaluator, full_case
):
    """Django's WSGI handler gives a streamed file the response's `close`, which ends a request
    (`request_finished` closes the thread's database connection). The garbage collector may
    drop an earlier download's file while a later request runs its export in a transaction, as
    in the evaluator's journey (CSV, then .qdpx): that must close the file only."""
    request = rf.get(reverse("evaluation:export_csv"))
    request.user = evaluator
    response = export_csv(request)
    response.file_to_stream.close = response.close  # as django.core.handlers.wsgi does
    with transaction.atomic():
        before = Participant.objects.count()
        del response
        gc.collect()
        assert not connection.closed_in_transaction
        assert Participant.objects.count() == before
