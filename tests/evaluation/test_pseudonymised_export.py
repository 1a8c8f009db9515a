"""The evaluator's export names no record by its database id and moves each person's dates by a
secret offset that keeps their intervals (issue 15, Low: "Pseudonymised export"); the manager of
the full tier may ask for exact dates, the evaluator may not."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
import zipfile
from xml.etree import ElementTree as ET

from django.urls import reverse

from evaluation.models import Evidence, Interview, NurseVisit
from evaluation.pseudonyms import date_shift_days
from logbooks.models import Logbook
from tod.audit.models import AccessEvent

QDA = "{urn:QDA-XML:project:1.0}"
PSEUDONYM = re.compile(r"^[A-Z]{1,2}-[0-9A-F]{8}$")
ID_COLUMNS = {"case", "peer", "supporter", "supporters", "participant", "context_ids"}


def tables(client, **query) -> dict[str, list[dict]]:
    response = client.get(reverse("evaluation:export_csv"), query)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
        if name.endswith(".csv")  # datapackage.json describes them
    }


def project(client, **query):
    response = client.get(reverse("evaluation:export_qdpx"), query)
    assert response.status_code == 200
    return ET.fromstring(zipfile.ZipFile(io.BytesIO(response.getvalue())).read("project.qde"))


def test_no_database_id_in_the_csv_zip(client, evaluator, full_case):
    client.force_login(evaluator)
    checked = 0
    for name, rows in tables(client).items():
        for row in rows:
            for column, value in row.items():
                targets = Evidence.TARGETS if name == "evidence" else ()
                is_id = column.endswith("_id") or column in ID_COLUMNS or column in targets
                if not value or not is_id:
                    continue
                for one in value.split(";"):
                    assert PSEUDONYM.match(one), (name, column, value)
                    checked += 1
    assert checked > 30


def test_no_qdpx_guid_gives_a_database_id_back(client, evaluator, full_case):
    """The GUIDs were uuid5 of 'kind:id' under a namespace in the source code: anyone could
    recompute them for every id. Now none of them is such a GUID."""
    client.force_login(evaluator)
    root = project(client)
    guids = {e.get("guid") for e in root.iter() if e.get("guid")}
    guids |= {e.get("targetGUID") for e in root.iter() if e.get("targetGUID")}
    old_namespace = uuid.UUID("6f1c6c0e-3b1e-4c4b-9a53-7c2a5f0e2d11")
    kinds = ["case", "interview", "logbook", "meaning_unit", "theory_configuration", "user"]
    guessed = {str(uuid.uuid5(old_namespace, f"{k}:{pk}")) for k in kinds for pk in range(500)}
    assert guids and not guids & guessed
    assert len(guids) >= 10


def test_a_persons_dates_move_by_one_offset_in_every_file(client, evaluator, full_case):
    """The peer's case, visits, interview and logbook are all moved by the peer's offset, so
    every interval is as it was; the .qdpx names and dates its sources with the same dates."""
    client.force_login(evaluator)
    shift = dt.timedelta(days=date_shift_days("participant", full_case.peer_id))
    assert shift
    exported = tables(client)
    day = dt.date.fromisoformat

    (case,) = exported["cases"]
    assert day(case["started_on"]) == full_case.started_on + shift
    visits = {v["kind"]: day(v["visited_on"]) for v in exported["nurse_visits"]}
    recorded = {v.kind: v.visited_on for v in NurseVisit.objects.filter(peer=full_case.peer)}
    assert visits == {kind: on + shift for kind, on in recorded.items()}
    assert visits["post"] - visits["pre"] == recorded["post"] - recorded["pre"]
    (interview,) = exported["interviews"]
    conducted = Interview.objects.get().conducted_on
    assert day(interview["conducted_on"]) == conducted + shift
    (logbook,) = exported["logbooks"]
    assert day(logbook["date"]) == Logbook.objects.get().meeting.held_on + shift

    people = {p["kind"]: p for p in exported["participants"]}
    for person in (full_case.peer, full_case.supporter):
        own = dt.timedelta(days=date_shift_days("participant", person.id))
        assert int(people[person.kind]["birth_year"]) == (person.date_of_birth + own).year

    sources = {s.get("name"): s for s in project(client).iter(f"{QDA}TextSource")}
    named = next(s for name, s in sources.items() if name.startswith("Interview"))
    assert named.get("name").endswith(str(conducted + shift))
    assert named.get("creationDateTime") == f"{conducted + shift}T00:00:00"
    assert str(conducted) not in "".join(sources)


def test_two_exports_are_the_same(client, evaluator, full_case):
    client.force_login(evaluator)
    assert tables(client) == tables(client)
    first, second = project(client), project(client)
    assert [e.get("guid") for e in first.iter()] == [e.get("guid") for e in second.iter()]


def test_exact_dates_for_the_full_tier_only(client, evaluator, manager, full_case):
    client.force_login(evaluator)
    assert client.get(reverse("evaluation:export_csv"), {"dates": "exact"}).status_code == 403
    assert client.get(reverse("evaluation:export_qdpx"), {"dates": "exact"}).status_code == 403
    assert not AccessEvent.objects.exists()

    client.force_login(manager)
    (case,) = tables(client, dates="exact")["cases"]
    assert case["started_on"] == str(full_case.started_on)
    assert project(client, dates="exact") is not None
    assert AccessEvent.objects.filter(what__contains="exact dates").count() == 4
    (shifted,) = tables(client)["cases"]  # the manager's default is shifted too
    assert shifted["started_on"] != str(full_case.started_on)
    dashboard = client.get(reverse("evaluation:dashboard")).content.decode()
    assert "?dates=exact" in dashboard
    client.force_login(evaluator)
    assert "?dates=exact" not in client.get(reverse("evaluation:dashboard")).content.decode()
