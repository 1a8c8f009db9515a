"""The reports from a known fixture: sample table, outcome pattern, ICAMO matrix, pre/post,
similarity and engagement, the funnel; and constant queries for few and many cases."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from evaluation import reports
from programme.models import Kind, Sex
from tests.conftest import make_participant

from .conftest import make_case, record_evaluation

TODAY = dt.datetime(2026, 9, 1, 12, 0)


@pytest.fixture
def two_cases(case, site, programme_round, manager, evaluator, theory):
    record_evaluation(case, evaluator, theory=theory)
    second = make_case(
        site,
        programme_round,
        manager,
        sex=Sex.FEMALE,
        date_of_birth=dt.date(1970, 1, 1),
    )
    record_evaluation(second, evaluator, aware="yes", hindering=False, theory=theory)
    return case, second


def row(rows, section, label):
    return next(r for r in rows if str(r.section) == section and str(r.label) == label)


@time_machine.travel(TODAY, tick=False)
def test_sample_table_counts_the_fixture(two_cases, evaluator):
    with __import__("django").utils.translation.override("en"):
        rows = reports.sample_table(evaluator, on=dt.date(2026, 9, 1))
        assert row(rows, "Number", "Total").peers == 2
        assert row(rows, "Number", "Total").supporters == 2
        assert row(rows, "Sex", "Male").peers == 1
        assert row(rows, "Sex", "Female").peers == 1
        assert row(rows, "Age", "Median (range)").peers == "62.5 (56-69)"
        assert row(rows, "Education", "Short (primary school)").peers == 2
        assert row(rows, "Education", "Long higher education").supporters == 2
        assert row(rows, "Employment", "Unemployed or on cash benefits").peers == 2
        assert row(rows, "Diabetes complications", "Hypertension").peers == 2
        assert row(rows, "Other diagnoses", "Depression").peers == 2
        assert row(rows, "Other diagnoses", "Depression").supporters == 0


def test_cases_need_both_consents_and_a_start(case, site, programme_round, manager, evaluator):
    from logbooks.models import Pair, PairStatus

    assert list(reports.cases_for(evaluator)) == [case]
    unconsented = Pair.objects.create(
        site=site,
        peer=make_participant(site, Kind.PEER),
        supporter=case.supporter,
        status=PairStatus.ACTIVE,
    )
    proposed = make_case(site, programme_round, manager)
    proposed.status = PairStatus.PROPOSED
    proposed.save()
    assert unconsented not in reports.cases_for(evaluator)
    assert list(reports.cases_for(evaluator)) == [case]


def test_outcome_pattern_shows_which_contexts_hindered(two_cases, evaluator):
    first, second = two_cases
    summary = {s["kind"]: s for s in reports.outcome_summary(evaluator)}
    assert summary["self_care_awareness"]["yes"] == 2
    assert summary["self_management"]["no"] == 2
    assert summary["health_care_use"]["missing"] == 2
    rows = {
        r["pair"].pk: r
        for r in reports.outcome_pattern_rows(reports.outcome_pattern_queryset(evaluator))
    }
    assert [c.category for c in rows[first.pk]["hindering"]] == ["finances_occupation"]
    assert rows[second.pk]["hindering"] == []
    assert [c.category for c in rows[second.pk]["facilitating"]] == ["finances_occupation"]


def test_icamo_matrix_counts_supporting_cases(two_cases, evaluator, theory):
    matrix = reports.icamo_matrix(evaluator, theory)
    assert len(matrix) == 1
    assert matrix[0]["configuration"].code == "ICAMO 1"
    assert matrix[0]["supports"] == 2
    assert matrix[0]["refutes"] == 0
    crosstab = reports.mechanism_outcome_crosstab(evaluator)
    trust = next(r for r in crosstab["rows"] if str(r["label"]) in ("Trust", "Tillid"))
    assert trust["cells"] == [2, 0, 0, 0]


def test_pre_post_means_and_changes(two_cases, evaluator):
    result = {r.key: r for r in reports.pre_post(evaluator)}
    assert result["hba1c_mmol_mol"].n == 2
    assert result["hba1c_mmol_mol"].pre_mean == 70
    assert result["hba1c_mmol_mol"].post_mean == 62
    assert result["hba1c_mmol_mol"].change == -8
    assert str(result["hba1c_mmol_mol"].extra["pre_percent"]) == "8.6"
    assert result["who5_score"].pre_mean == 40
    assert result["who5_score"].post_mean == 60
    assert result["paid5_score"].extra == {"pre_distress": 2, "post_distress": 0}
    assert str(result["bmi"].pre_mean) == "30.9"


def test_similarities_counted_from_sex_age_and_background(two_cases, evaluator):
    rows = {r["id"]: r for r in reports.engagement_rows(evaluator)}
    first, second = two_cases
    # Bentholm (male, 1957) with Hanne (female, 1958): age and origin are shared
    assert rows[first.pk]["similarities"] == 2
    assert rows[first.pk]["mechanism_items"] == 1


def test_engagement_reads_meetings_and_logbooks(case, evaluator, supporter):
    from django.utils import timezone

    from logbooks.models import Logbook, LogbookStatus, Meeting, MeetingStatus

    meeting = Meeting.objects.create(
        pair=case,
        planned_at=timezone.now(),
        status=MeetingStatus.HELD,
        held_on=dt.date(2026, 2, 15),
    )
    Meeting.objects.create(pair=case, planned_at=timezone.now(), status=MeetingStatus.CANCELLED)
    Logbook.objects.create(
        meeting=meeting,
        author=supporter,
        status=LogbookStatus.SUBMITTED,
        reflections="We walked and talked about food",
    )
    row = reports.engagement_rows(evaluator)[0]
    assert row["meetings"] == 1
    assert row["logbook_words"] == 6


def test_dashboard_shows_meeting_frequency(client, case, evaluator):
    from django.utils import timezone

    from logbooks.models import Meeting, MeetingStatus

    for day in (15, 28):
        Meeting.objects.create(
            pair=case,
            planned_at=timezone.now(),
            status=MeetingStatus.HELD,
            held_on=dt.date(2026, 2, day),
        )
    client.force_login(evaluator)
    meetings = client.get(reverse("evaluation:dashboard")).context["meetings"]
    assert meetings["cases"] == 1
    assert meetings["mean"] == 2
    assert [r["id"] for r in meetings["low"]] == [case.pk]


def test_recruitment_funnel(case, site, evaluator):
    make_participant(site, Kind.PEER)  # referred only
    funnel = {s["step"]: s for s in reports.recruitment_funnel(evaluator)}
    assert funnel["referred"]["peers"] == 2
    assert funnel["matched"]["peers"] == 1
    assert funnel["matched"]["supporters"] == 1


REPORT_URLS = [
    "evaluation:dashboard",
    "evaluation:case_list",
    "evaluation:report_sample",
    "evaluation:report_icamo",
    "evaluation:report_prepost",
    "evaluation:report_engagement",
    "evaluation:report_mechanisms",
    "evaluation:theory_list",
    "evaluation:interview_list",
    "evaluation:observation_list",
]


def add_cases(n, site, programme_round, manager, evaluator, theory):
    for _ in range(n):
        record_evaluation(make_case(site, programme_round, manager), evaluator, theory=theory)


@pytest.mark.parametrize("url_name", REPORT_URLS)
def test_report_pages_run_constant_queries(
    client,
    url_name,
    site,
    programme_round,
    manager,
    evaluator,
    theory,
    django_assert_max_num_queries,
):
    client.force_login(evaluator)
    bound = 25
    add_cases(2, site, programme_round, manager, evaluator, theory)
    with django_assert_max_num_queries(bound):
        assert client.get(reverse(url_name)).status_code == 200
    add_cases(40, site, programme_round, manager, evaluator, theory)
    with django_assert_max_num_queries(bound):
        assert client.get(reverse(url_name)).status_code == 200


def test_report_pages_and_exports_run_the_same_queries_for_10_and_1000_cases(
    client, site, programme_round, manager, evaluator, theory, nurse
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import bulk_cases

    urls = REPORT_URLS + ["evaluation:export_csv", "evaluation:export_qdpx"]
    counts = {}
    made = 0
    for total in (10, 1000):
        bulk_cases(total - made, site, programme_round, manager)
        made = total
        client.force_login(evaluator)
        for name in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            counts.setdefault(name, []).append(len(queries))
        client.force_login(nurse)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("evaluation:nurse_home")).status_code == 200
        counts.setdefault("nurse_home", []).append(len(queries))
    assert {name: n[0] == n[1] for name, n in counts.items()} == {name: True for name in counts}
