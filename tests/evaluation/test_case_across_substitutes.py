"""A case is the peer's course through the programme, across substitute supporters (issue 18,
item 1; the study: "Another case consisted of two peer supporters as one of them had to
withdraw ... due to a poor health condition"). A peer whose supporter is replaced after four
meetings is one case in the case list, in every report, in cases.csv and in the .qdpx; the case
page names both supporters with their periods and shows the meetings and logbooks of both
pairs; the evaluator sees all of it pseudonymised, under the pseudonym the case had before."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from evaluation import reports
from evaluation.factories import OutcomeFactory
from evaluation.models import Interview, Outcome
from evaluation.pseudonyms import case_pseudonym, participant_pseudonym
from logbooks import services as pair_services
from logbooks.factories import PairFactory
from logbooks.models import Meeting, Pair, PairStatus
from programme import services as programme_services
from programme.models import (
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Kind,
    Participant,
    Sex,
)
from tests.conftest import make_participant
from tests.html_text import table_rows

from .conftest import give_evaluation_consent, record_evaluation
from .test_pseudonymised_export import QDA, project, tables

NAMES = ["Bentholm", "Madsenius", "Hanne", "Larsen", "Jens", "Nielsen"]


def aware(year, month, day, hour=12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def answers(text: str) -> dict:
    return {
        "activities": text,
        "place": "Fælledparken",
        "duration_minutes": 60,
        "topics": [],
        "relationship": "Vi taler lettere sammen nu.",
        "improvements": "",
        "reflections": "",
        "challenges": "",
        "needs_support": False,
        "support_with": "",
        "role_perception": "befriender",
    }


def write_logbooks(pair: Pair, writer, text: str) -> list[Meeting]:
    """The supporter writes the logbook of each meeting of `pair` that has taken place."""
    past = list(pair.meetings.filter(planned_at__lt=timezone.now()).order_by("planned_at"))
    for meeting in past:
        pair_services.logbook_save(meeting=meeting, by=writer, answers=answers(text), submit=True)
    return past


@pytest.fixture
def substituted(site, programme_round, manager, supporter, other_supporter, evaluator):
    """Bentholm (peer) met Hanne four times; Hanne withdrew through ill health and Jens took
    over the rest of the plan, meeting him twice by 22 May."""
    peer = make_participant(
        site, Kind.PEER, first_name="Bentholm", last_name="Madsenius", sex=Sex.MALE
    )
    hanne = Participant.objects.get(user=supporter)
    jens = Participant.objects.get(user=other_supporter)
    for person in (peer, hanne, jens):
        give_evaluation_consent(person, manager)
    with time_machine.travel(aware(2026, 3, 3), tick=False) as clock:
        first = PairFactory.create(
            site=site, round=programme_round, peer=peer, supporter=hanne, status=PairStatus.AGREED
        )
        pair_services.pair_start(
            pair=first, match_meeting_on=dt.date(2026, 3, 3), by=manager, weekday=3
        )
        clock.move_to(aware(2026, 4, 24))
        held_first = write_logbooks(first, supporter, "Gåtur med Bentholm, Hanne skrev")
        second = pair_services.pair_substitute_supporter(
            pair=first, supporter=jens, reason="Hanne's health", by=manager
        )
        clock.move_to(aware(2026, 5, 22))
        held_second = write_logbooks(second, other_supporter, "Kaffe med Bentholm, Jens skrev")
        # The evaluator records the case's evaluation from the substitute's time.
        record_evaluation(second, evaluator)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second, held_first, held_second


def test_the_substitution_is_after_four_meetings(substituted):
    first, second, held_first, held_second = substituted
    assert len(held_first) == 4 and len(held_second) == 2
    assert first.status == PairStatus.ENDED and second.status == PairStatus.ACTIVE
    assert second.root_pair == first and second.case_root() == first == first.case_root()


def test_one_case_in_cases_and_every_report(substituted, evaluator):
    first, second, _held, _later = substituted

    assert list(reports.cases_for(evaluator)) == [first]
    # The records made from the substitute's pair belong to the case (its first pair).
    assert set(Outcome.objects.values_list("pair_id", flat=True)) == {first.pk}
    total = reports.sample_table(evaluator, on=dt.date(2026, 6, 1))[0]  # Number: Total
    assert (total.peers, total.supporters) == (1, 2)
    summary = {row["kind"]: row for row in reports.outcome_summary(evaluator)}
    assert summary["self_care_awareness"]["yes"] == 1
    assert summary["other_behaviour"]["missing"] == 1  # one case, not two
    rows = reports.outcome_pattern_rows(reports.outcome_pattern_queryset(evaluator))
    assert [row["case"] for row in rows] == [case_pseudonym(first.pk)]
    assert rows[0]["supporters"] == [
        participant_pseudonym(first.supporter_id, "supporter"),
        participant_pseudonym(second.supporter_id, "supporter"),
    ]
    crosstab = reports.mechanism_outcome_crosstab(evaluator)
    assert sum(sum(row["cells"]) for row in crosstab["rows"]) == 1
    (engagement,) = reports.engagement_rows(evaluator)
    assert engagement["case"] == case_pseudonym(first.pk)
    assert engagement["meetings"] == 6 and engagement["supporters"] == 2
    assert engagement["logbook_words"] > 0
    with time_machine.travel(aware(2026, 6, 1), tick=False):
        dashboard = reports.engagement_summary(evaluator)
    assert dashboard["cases"] == 1 and dashboard["mean"] == 6


def test_the_icamo_matrix_counts_the_case_once(
    site, programme_round, manager, supporter, other_supporter, evaluator, theory
):
    with time_machine.travel(aware(2026, 3, 3), tick=False):
        peer = make_participant(site, Kind.PEER, sex=Sex.MALE)
        hanne = Participant.objects.get(user=supporter)
        jens = Participant.objects.get(user=other_supporter)
        for person in (peer, hanne, jens):
            give_evaluation_consent(person, manager)
        first = PairFactory.create(
            site=site, round=programme_round, peer=peer, supporter=hanne, status=PairStatus.AGREED
        )
        pair_services.pair_start(pair=first, match_meeting_on=dt.date(2026, 3, 3), by=manager)
        second = pair_services.pair_substitute_supporter(pair=first, supporter=jens, by=manager)
        record_evaluation(first, evaluator, theory=theory)
        record_evaluation(second, evaluator, theory=theory)  # the same case, recorded again

    (row,) = reports.icamo_matrix(evaluator, theory)
    assert row["supports"] == 1


def test_the_case_list_and_dashboard_show_one_case(client, evaluator, substituted):
    first, second, _held, _later = substituted
    client.force_login(evaluator)

    page = client.get(reverse("evaluation:case_list")).content.decode()
    dashboard = client.get(reverse("evaluation:dashboard")).content.decode()

    assert page.count(case_pseudonym(first.pk)) == 1
    assert case_pseudonym(second.pk) not in page + dashboard
    assert participant_pseudonym(second.supporter_id, "supporter") in page
    assert not [name for name in NAMES if name in page]


def test_the_case_page_names_both_supporters_with_their_periods(client, evaluator, substituted):
    first, second, held_first, held_second = substituted
    client.force_login(evaluator)

    response = client.get(reverse("evaluation:case_detail", args=[first.pk]))

    page = response.content.decode()
    hanne = participant_pseudonym(first.supporter_id, "supporter")
    jens = participant_pseudonym(second.supporter_id, "supporter")
    language = response.headers["Content-Language"]

    def day(value):
        with override(language):
            return date_format(value, "SHORT_DATE_FORMAT")

    supporters = page[page.index('id="case-supporters"') :]
    supporters = supporters[: supporters.index("</section>")]
    rows = {row[0]: row for row in table_rows(supporters)}
    assert rows[hanne][1:3] == [day(first.started_on), day(dt.date(2026, 4, 24))]
    assert rows[jens][1:3] == [day(dt.date(2026, 4, 24)), "–"]
    assert first.ended_on == second.started_on == dt.date(2026, 4, 24)
    # Both supporters are among the case's people, with their backgrounds.
    people = page[: page.index('id="case-supporters"')]
    assert hanne in people and jens in people

    meetings = page[page.index('id="case-meetings"') :]
    meetings = meetings[: meetings.index("</section>")]
    by_supporter = [row[3] for row in table_rows(meetings)[1:]]
    assert by_supporter.count(hanne) == len(held_first) == 4
    assert by_supporter.count(jens) == Meeting.objects.filter(pair=second).count()
    assert meetings.count("Hanne skrev") == 0  # redacted: the names become pseudonyms
    assert meetings.count("Gåtur med") == 4 and meetings.count("Kaffe med") == len(held_second)
    assert not [name for name in NAMES if name in page]


def test_the_printed_case_and_a_successors_id_are_the_one_case(client, evaluator, substituted):
    first, second, _held, _later = substituted
    client.force_login(evaluator)

    printed = client.get(reverse("evaluation:case_print", args=[first.pk]))
    successor = client.get(reverse("evaluation:case_detail", args=[second.pk]))

    assert participant_pseudonym(second.supporter_id, "supporter") in printed.content.decode()
    assert successor.status_code == 404  # the case is reached by its first pair only


def test_cases_csv_has_one_row_with_both_supporters(client, evaluator, substituted):
    first, second, held_first, held_second = substituted
    client.force_login(evaluator)

    exported = tables(client)

    (row,) = exported["cases"]
    assert row["case"] == case_pseudonym(first.pk)
    assert row["supporters"].split(";") == [
        participant_pseudonym(first.supporter_id, "supporter"),
        participant_pseudonym(second.supporter_id, "supporter"),
    ]
    periods = [period.split("/") for period in row["supporter_periods"].split(";")]
    assert len(periods) == 2 and periods[0][1] == periods[1][0] and periods[1][1] == ""
    assert row["status"] == PairStatus.ACTIVE and row["ended_on"] == ""
    assert row["started_on"] == periods[0][0]
    assert row["meetings_held"] == "6"
    assert {lb["case"] for lb in exported["logbooks"]} == {case_pseudonym(first.pk)}
    assert len(exported["logbooks"]) == len(held_first) + len(held_second)
    assert {o["case"] for o in exported["outcomes"]} == {case_pseudonym(first.pk)}
    kinds = sorted(p["kind"] for p in exported["participants"])
    assert kinds == ["peer", "supporter", "supporter"]
    text = "".join(str(r) for rows in exported.values() for r in rows)
    assert not [name for name in NAMES if name in text]


def test_the_qdpx_has_one_case_with_the_sources_of_both_pairs(client, evaluator, substituted):
    first, _second, held_first, held_second = substituted
    client.force_login(evaluator)

    root = project(client)

    (case,) = root.iter(f"{QDA}Case")
    assert case.get("name") == case_pseudonym(first.pk)
    refs = {ref.get("targetGUID") for ref in case.iter(f"{QDA}SourceRef")}
    logbooks = [s for s in root.iter(f"{QDA}TextSource") if s.get("name").startswith("Logbook")]
    assert len(logbooks) == len(held_first) + len(held_second) == 6
    assert {s.get("guid") for s in logbooks} <= refs
    assert {s.get("name").split()[1] for s in logbooks} == {case_pseudonym(first.pk)}
    values = {
        ref.get("targetGUID"): value
        for value in case.iter(f"{QDA}VariableValue")
        for ref in value.iter(f"{QDA}VariableRef")
    }
    supporters = next(v for v in root.iter(f"{QDA}Variable") if v.get("name") == "supporters").get(
        "guid"
    )
    assert values[supporters].find(f"{QDA}IntegerValue").text == "2"


def test_records_on_a_substitutes_pair_move_to_the_case(site, programme_round, manager):
    """The migration that makes a case one: a record kept on the substitute's pair (as the
    product allowed before) moves to the case's first pair; an outcome of a kind the first pair
    has already is merged into it."""
    migration = importlib.import_module("evaluation.migrations.0007_case_records_on_first_pair")
    first = PairFactory.create(site=site, round=programme_round, status=PairStatus.ENDED)
    second = PairFactory.create(
        site=site,
        round=programme_round,
        peer=first.peer,
        status=PairStatus.ACTIVE,
        previous_pair=first,
    )
    kept = OutcomeFactory.create(pair=first, kind="self_care_awareness", description="Før")
    merged = OutcomeFactory.create(pair=second, kind="self_care_awareness", description="Efter")
    moved = OutcomeFactory.create(pair=second, kind="self_management")

    migration.move_to_first_pair(apps, None)

    assert second.root_pair_id == first.pk
    assert set(Outcome.objects.values_list("pair_id", flat=True)) == {first.pk}
    kept.refresh_from_db()
    moved.refresh_from_db()
    assert kept.description == "Før\n\nEfter" and moved.pair_id == first.pk
    assert not Outcome.objects.filter(pk=merged.pk).exists()


def interview_values(case, **values):
    return {
        "pair": case.pk,
        "informant_type": "supporter",
        "conducted_on": "2026-06-02",
        "mode": "telephone",
        "transcript": "Interviewer: Hvordan var det at tage over?",
        **values,
    }


def test_an_interview_names_which_of_the_cases_supporters_was_interviewed(
    client, evaluator, manager, substituted
):
    """The case has two supporters: the evaluator says which was interviewed, and that one's
    consent to being interviewed decides (Jens declined; Hanne agreed)."""
    first, second, _held, _later = substituted
    programme_services.consent_record(
        participant=second.supporter,
        purpose=ConsentPurpose.INTERVIEW,
        decision=ConsentDecision.DECLINED,
        decided_on=dt.date(2026, 5, 30),
        method=ConsentMethod.WRITTEN,
        by=manager,
    )
    client.force_login(evaluator)
    url = reverse("evaluation:interview_create")
    form = client.get(url).content.decode()
    jens = participant_pseudonym(second.supporter_id, "supporter")
    assert jens in form and "Jens" not in form  # offered by pseudonym

    unnamed = client.post(url, interview_values(first))
    assert "vælg hvem" in unnamed.content.decode()
    refused = client.post(url, interview_values(first, supporter=second.supporter_id))
    assert "ikke givet samtykke" in refused.content.decode()
    assert not Interview.objects.exists()

    client.post(url, interview_values(first, supporter=first.supporter_id))
    (interview,) = Interview.objects.all()
    assert (interview.pair, interview.informant) == (first, first.supporter)
    page = client.get(reverse("evaluation:interview_detail", args=[interview.pk]))
    assert participant_pseudonym(first.supporter_id, "supporter") in page.content.decode()
