"""Positions in the exports are computed on the text as exported: a name that becomes a
participant's after the text was coded is replaced by a pseudonym of another length in the
export, and every CSV meaning unit's start/end and every .qdpx selection still cover exactly
their excerpt."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from xml.etree import ElementTree as ET

from django.urls import reverse

from evaluation import services
from evaluation.models import CodeGroup
from programme.models import Participant

NS = {"q": "urn:QDA-XML:project:1.0"}
TRANSCRIPT = (
    "Interviewer: Who helps you?\n"
    "Peer: Olsen from next door drove me. Then Olsen and I walked to the doctor. "
    "Later Olsen's wife cooked for us."
)
EXCERPTS = ["Then Olsen and I walked to the doctor.", "Later Olsen's wife cooked for us."]


def _tables(archive) -> dict[str, list[dict]]:
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
        if name.endswith(".csv")
    }


def test_positions_cover_their_excerpts_after_a_name_becomes_a_participants(
    client, evaluator, case
):
    interview = services.interview_save(
        site=case.site,
        by=evaluator,
        values={
            "pair": case,
            "informant_type": "peer",
            "conducted_on": dt.date(2026, 8, 10),
            "mode": "in_person",
            "transcript": TRANSCRIPT,
        },
    )
    for excerpt in EXCERPTS:
        services.meaning_unit_add(
            source=interview,
            text=excerpt,
            code_groups=CodeGroup.objects.all()[:1],
            by=evaluator,
        )
    # After coding, the neighbour becomes known to the programme: the exports now replace
    # "Olsen" (5 characters) by a pseudonym (10), before and inside both excerpts.
    neighbour = Participant.objects.exclude(pk=case.peer_id).first()
    neighbour.last_name = "Olsen"
    neighbour.save(update_fields=["last_name"])
    client.force_login(evaluator)

    tables = _tables(
        zipfile.ZipFile(io.BytesIO(client.get(reverse("evaluation:export_csv")).getvalue()))
    )
    exported = next(i for i in tables["interviews"] if i["case"])["transcript"]
    assert "Olsen" not in exported
    units = tables["meaning_units"]
    assert len(units) == 2
    for unit in units:
        assert exported[int(unit["start"]) : int(unit["end"])] == unit["text"]
        assert "Olsen" not in unit["text"]

    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("evaluation:export_qdpx")).getvalue()))
    root = ET.fromstring(archive.read("project.qde"))
    source = root.find(".//q:TextSource[q:PlainTextSelection]", NS)
    text = archive.read(source.get("plainTextPath").replace("internal://", "sources/")).decode()
    covered = [
        text[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in source.findall("q:PlainTextSelection", NS)
    ]
    assert sorted(covered) == sorted(u["text"] for u in units)
    assert all(c.endswith(("to the doctor.", "cooked for us.")) for c in covered)


def test_logbook_positions_cover_their_excerpts_after_a_name_becomes_a_participants(
    client, evaluator, supporter, case
):
    from django.utils import timezone

    from logbooks.factories import LogbookFactory, MeetingFactory
    from logbooks.models import MeetingStatus

    meeting = MeetingFactory.create(
        pair=case, planned_at=timezone.now(), status=MeetingStatus.HELD, held_on=dt.date(2026, 3, 2)
    )
    logbook = LogbookFactory.create(
        meeting=meeting,
        author=supporter,
        activities="A walk with Olsen",
        reflections="Olsen from next door drove us. " + EXCERPTS[0],
        challenges=EXCERPTS[1],
    )
    for excerpt in EXCERPTS:
        services.meaning_unit_add(
            source=logbook, text=excerpt, code_groups=CodeGroup.objects.all()[:1], by=evaluator
        )
    neighbour = Participant.objects.exclude(pk=case.peer_id).first()
    neighbour.last_name = "Olsen"
    neighbour.save(update_fields=["last_name"])
    client.force_login(evaluator)

    tables = _tables(
        zipfile.ZipFile(io.BytesIO(client.get(reverse("evaluation:export_csv")).getvalue()))
    )
    exported = tables["logbooks"][0]["text"]
    assert "Olsen" not in exported
    units = [u for u in tables["meaning_units"] if u["logbook_id"]]
    assert {u["logbook_id"] for u in units} == {tables["logbooks"][0]["logbook_id"]}
    assert len(units) == 2
    for unit in units:
        assert exported[int(unit["start"]) : int(unit["end"])] == unit["text"]
        assert "Olsen" not in unit["text"]

    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("evaluation:export_qdpx")).getvalue()))
    root = ET.fromstring(archive.read("project.qde"))
    source = next(
        s
        for s in root.iterfind(".//q:TextSource[q:PlainTextSelection]", NS)
        if s.get("name").startswith("Logbook")
    )
    text = archive.read(source.get("plainTextPath").replace("internal://", "sources/")).decode()
    assert text == exported
    covered = [
        text[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in source.findall("q:PlainTextSelection", NS)
    ]
    assert sorted(covered) == sorted(u["text"] for u in units)
    assert all(c.endswith(("to the doctor.", "cooked for us.")) for c in covered)
