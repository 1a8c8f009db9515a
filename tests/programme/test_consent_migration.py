"""Migration 0015 splits each evaluation consent into the research purposes it meant (routine
data, interview, and observation for supporters) and folds them back on the way down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("programme", "0014_background")
AFTER = ("programme", "0015_consent_purposes_for_research")
FIELDS = ("decision", "decided_on", "method", "recorded_by_id", "recorded_at", "note")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state(target).apps


@pytest.fixture
def before():
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def person(apps, site, kind, name):
    return apps.get_model("programme", "Participant").objects.create(
        site=site,
        kind=kind,
        first_name=name,
        last_name="Test",
        date_of_birth=dt.date(1960, 1, 1),
        sex="female",
    )


@pytest.mark.django_db(transaction=True)
def test_each_evaluation_answer_becomes_one_answer_per_research_purpose_and_folds_back(before):
    Site = before.get_model("accounts", "Site")
    User = before.get_model("accounts", "User")
    Text = before.get_model("programme", "ConsentText")
    Consent = before.get_model("programme", "Consent")
    site = Site.objects.create(name="Vejle", slug="vejle")
    recorder = User.objects.create(username="recorder")
    Text.objects.filter(site=site).delete()
    text = Text.objects.create(
        site=site,
        purpose="evaluation",
        version=3,
        title="Evaluering",
        body="Interview og data.",
        valid_from=dt.date(2026, 2, 1),
    )
    answers = {}
    for kind, name, decision in (
        ("supporter", "Given", "given"),
        ("peer", "Declined", "declined"),
        ("peer", "Withdrawn", "withdrawn"),
    ):
        answers[name] = Consent.objects.create(
            participant=person(before, site, kind, name),
            purpose="evaluation",
            decision=decision,
            text=text,
            decided_on=dt.date(2026, 3, 1),
            method="verbal",
            recorded_by=recorder,
            note=f"{name} note",
        )

    after = migrate(AFTER)
    Text = after.get_model("programme", "ConsentText")
    Consent = after.get_model("programme", "Consent")

    assert not Text.objects.filter(purpose="evaluation").exists()
    new_texts = Text.objects.filter(site_id=site.pk, version=3).order_by("purpose")
    assert [(t.purpose, t.title, t.body, t.valid_from) for t in new_texts] == [
        (purpose, "Evaluering", "Interview og data.", dt.date(2026, 2, 1))
        for purpose in ("interview", "observation", "routine_data")
    ]
    for name, old in answers.items():
        rows = Consent.objects.filter(participant_id=old.participant_id).select_related("text")
        purposes = sorted(row.purpose for row in rows)
        expected = ["interview", "routine_data"]
        assert purposes == (
            ["interview", "observation", "routine_data"] if name == "Given" else expected
        )
        for row in rows:
            assert [getattr(row, f) for f in FIELDS] == [getattr(old, f) for f in FIELDS]
            assert (row.text.purpose, row.text.version) == (row.purpose, 3)

    # A new-style answer, a day later: the supporter now declines only being observed.
    given = answers["Given"]
    Consent.objects.create(
        recorded_at=given.recorded_at + dt.timedelta(days=1),
        participant_id=given.participant_id,
        purpose="observation",
        decision="declined",
        text=Text.objects.get(site_id=site.pk, purpose="observation"),
        decided_on=dt.date(2026, 4, 1),
        method="written",
        recorded_by_id=recorder.pk,
    )

    back = migrate(BEFORE)
    Consent = back.get_model("programme", "Consent")
    Text = back.get_model("programme", "ConsentText")
    texts = Text.objects.filter(site_id=site.pk).exclude(purpose="programme")
    assert [(t.purpose, t.version, t.title) for t in texts] == [("evaluation", 3, "Evaluering")]
    for old in answers.values():
        rows = list(
            Consent.objects.filter(participant_id=old.participant_id).order_by("recorded_at")
        )
        assert {row.purpose for row in rows} == {"evaluation"}
        assert [getattr(rows[0], f) for f in FIELDS] == [getattr(old, f) for f in FIELDS]
    supporter = Consent.objects.filter(participant_id=given.participant_id)
    assert [row.decision for row in supporter.order_by("recorded_at")] == ["given", "declined"]
