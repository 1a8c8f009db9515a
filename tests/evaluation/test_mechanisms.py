"""The logbooks' mechanism items (the six 1-5 scales and the role view) over time: per case on the
evaluator's case page and the manager's pair page (not the supporter's), per round at the first,
middle and last logbook, against engagement beside the similarity index, and in the CSV zip in
long format."""

from __future__ import annotations

import datetime as dt
import re
import statistics

import pytest
from django.urls import reverse
from django.utils import translation
from scipy import stats

from evaluation import reports
from evaluation.pseudonyms import case_pseudonym, date_shift_days, record_pseudonym
from logbooks.factories import LogbookFactory, MeetingFactory
from logbooks.models import LogbookStatus, MeetingStatus

from .conftest import make_case
from .test_language import in_language, svg_texts
from .test_pseudonymised_export import tables

SCALES = ("trust", "respect", "empathy", "care", "honesty", "equal")


def write_logbooks(pair, trusts, *, role="both", start=dt.date(2026, 3, 2), author=None):
    """A held meeting every two weeks with a submitted logbook: trust as given, the other scales
    one lower (at least 1), the role view as given; a draft logbook after them that never counts."""
    logbooks = []
    author = author or pair.supporter.user
    for i, trust in enumerate(trusts):
        held_on = start + dt.timedelta(days=14 * i)
        meeting = MeetingFactory.create(
            pair=pair, sequence=i + 1, status=MeetingStatus.HELD, held_on=held_on
        )
        others = {f"scale_{name}": max(trust - 1, 1) for name in SCALES[1:]}
        logbooks.append(
            LogbookFactory.create(
                meeting=meeting,
                author=author,
                scale_trust=trust,
                role_perception=role,
                **others,
            )
        )
    draft = MeetingFactory.create(
        pair=pair, status=MeetingStatus.HELD, held_on=start + dt.timedelta(days=14 * len(trusts))
    )
    LogbookFactory.create(meeting=draft, author=author, status=LogbookStatus.DRAFT, scale_trust=1)
    return logbooks


def table_rows(page: str) -> list[list[str]]:
    section = page[page.index('id="mechanism-items"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>.*?</tr>", body, re.S)
    ]


def test_the_case_page_plots_each_item_across_the_meetings(client, evaluator, case):
    write_logbooks(case, [2, 4, 5], role="befriender")
    in_language(client, evaluator, "en")
    page = client.get(reverse("evaluation:case_detail", args=[case.pk])).content.decode()
    assert "Mechanisms over time" in page
    texts = svg_texts(page)
    for label in ("Trust", "Respect", "Empathy", "Care", "Honesty", "Feeling equal", "Role view"):
        assert label in texts
    rows = table_rows(page)
    assert [row[:3] for row in rows] == [
        ["1 (meeting 1)", "2", "1"],
        ["2 (meeting 2)", "4", "3"],
        ["3 (meeting 3)", "5", "4"],
    ]
    assert rows[0][-1] == "Mostly a befriender"
    assert "2026" not in "".join("".join(r) for r in rows)  # no meeting dates for the evaluator
    # The chart draws the trust line through 2, 4, 5 (the draft's 1 is not there).
    assert page.count("<polyline") == 7


def test_the_case_page_without_answers_says_so(client, evaluator, case):
    in_language(client, evaluator, "en")
    page = client.get(reverse("evaluation:case_detail", args=[case.pk])).content.decode()
    assert "No submitted logbook has answered the mechanism items yet." in page


def test_the_manager_sees_them_on_the_pair_page_and_the_supporter_does_not(
    client, manager, supporter, case
):
    write_logbooks(case, [3, 4])
    in_language(client, manager, "da")
    page = client.get(reverse("logbooks:pair_detail", args=[case.pk])).content.decode()
    assert "Mekanismer over tid" in page
    rows = table_rows(page)
    assert [row[2] for row in rows] == ["3", "4"]  # trust, after the date column
    assert rows[0][-1] == "Begge dele"

    in_language(client, supporter, "da")
    response = client.get(reverse("logbooks:pair_detail", args=[case.pk]))
    assert response.status_code == 200
    assert 'id="mechanism-items"' not in response.content.decode()


@pytest.fixture
def round_cases(case, site, programme_round, manager):
    second = make_case(site, programme_round, manager, first_name="Second")
    third = make_case(site, programme_round, manager, first_name="Third")
    write_logbooks(case, [2, 3, 5], role="befriender")
    write_logbooks(second, [1, 2, 4, 5], role="diabetes_support", author=manager)
    write_logbooks(third, [3], role="both", author=manager)
    return case, second, third


def test_each_round_shows_the_spread_at_the_first_middle_and_last_logbook(
    round_cases, evaluator, client
):
    cases, series = reports.cases_with_items(evaluator)
    with translation.override("en"):
        (entry,) = reports.mechanisms_by_round(cases, series)
    assert entry["cases"] == 3
    trust = next(i for i in entry["items"] if i["label"] == "Trust")
    first, middle, last = trust["spreads"]
    # first: 2, 1, 3; middle (the lower middle of four): 3, 2, 3; last: 5, 5, 3
    assert (first.n, first.median, first.q1, first.q3) == (3, 2.0, 1.5, 2.5)
    assert (middle.median, middle.q1, middle.q3) == (3.0, 2.5, 3.0)
    assert (last.median, last.q1, last.q3) == (5.0, 4.0, 5.0)
    role = next(i for i in entry["items"] if i["role"])
    assert dict(role["spreads"][0].roles) == {
        "Mostly a befriender": 1,
        "Both": 1,
        "Mostly a diabetes support person": 1,
    }

    in_language(client, evaluator, "da")
    page = client.get(reverse("evaluation:report_mechanisms")).content.decode()
    assert "2 (1,50–2,50), n=3" in page  # trust at the first logbook, decimal commas


def test_the_items_mean_correlates_with_engagement_beside_the_similarity_index(
    round_cases, evaluator, client
):
    cases, series = reports.cases_with_items(evaluator)
    with translation.override("en"):
        correlations = reports.engagement_correlations(evaluator, series)
    assert correlations[0].label == "Sociodemographic similarities"
    trust = next(c for c in correlations if c.label.startswith("Trust"))
    held = [3, 4, 1]  # meetings held per case (the drafts' meetings are held too: +1 each)
    held = [h + 1 for h in held]
    means = [statistics.mean([2, 3, 5]), statistics.mean([1, 2, 4, 5]), 3.0]
    expected = stats.spearmanr(means, held)
    assert trust.n == 3
    assert trust.rho == pytest.approx(expected.statistic)
    assert trust.p == pytest.approx(expected.pvalue)

    in_language(client, evaluator, "en")
    page = client.get(reverse("evaluation:report_mechanisms")).content.decode()
    assert "Spearman" in page and "Trust (mean)" in page


def test_two_cases_are_too_few_for_a_correlation():
    assert reports.mechanisms.spearman([1, 2], [2, 3], "x").rho is None
    assert reports.mechanisms.spearman([1, 1, 1], [2, 3, 4], "x").rho is None  # no variation


def test_the_csv_zip_holds_the_items_in_long_format_one_row_per_logbook_per_item(
    client, evaluator, case
):
    logbooks = write_logbooks(case, [2, 4], role="befriender")
    client.force_login(evaluator)
    rows = tables(client)["mechanism_items"]
    assert len(rows) == 2 * 7  # six scales and the role view, per submitted logbook
    assert list(rows[0]) == [
        "case",
        "logbook_id",
        "meeting_number",
        "plan_number",
        "date",
        "item",
        "value",
    ]
    first = [r for r in rows if r["logbook_id"] == record_pseudonym("logbook", logbooks[0].pk)]
    assert {r["item"]: r["value"] for r in first} == {
        "trust": "2",
        "respect": "1",
        "empathy": "1",
        "care": "1",
        "honesty": "1",
        "equal": "1",
        "role": "befriender",
    }
    assert {r["case"] for r in rows} == {case_pseudonym(case.pk)}
    assert {r["meeting_number"] for r in first} == {"1"}
    shift = dt.timedelta(days=date_shift_days("participant", case.peer_id))
    assert {r["date"] for r in first} == {str(dt.date(2026, 3, 2) + shift)}
    assert str(dt.date(2026, 3, 2)) not in str(rows)
    assert "Bentholm" not in str(rows) and str(logbooks[0].pk) not in {
        r["logbook_id"] for r in rows
    }
