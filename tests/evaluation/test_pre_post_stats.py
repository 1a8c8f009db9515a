"""Pre/post as an evaluator reads it: paired values per peer, the mean change with its 95 %
confidence interval, the Wilcoxon signed-rank p and n, the missing visits, the WHO-5 and PAID-5
threshold shares, and the page in Danish (før/efter, decimal commas)."""

from __future__ import annotations

import math
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from scipy import stats

from evaluation import reports
from evaluation.factories import NurseVisitFactory
from evaluation.models.choices import VisitKind
from evaluation.pseudonyms import participant_pseudonym
from evaluation.reports.prepost_stats import mean_change_ci, wilcoxon_p

from .conftest import make_case
from .test_language import in_language, svg_texts

# Seven peers measured before and after; an eighth with a pre-visit only; a ninth with none.
HBA1C = [(70, 62), (65, 66), (80, 70), (72, 72), (68, 60), (75, 71), (90, 85)]
WHO5 = [(40, 56), (28, 44), (60, 60), (52, 48), (20, 36), (48, 52), (76, 80)]
PAID5 = [(10, 6), (8, 8), (4, 3), (12, 7), (9, 5), (2, 2), (7, 4)]


def _visit(case, kind, hba1c, who5, paid5):
    return NurseVisitFactory.create(
        site=case.site,
        peer=case.peer,
        kind=kind,
        hba1c_mmol_mol=hba1c,
        who5_score=who5,
        paid5_score=paid5,
    )


@pytest.fixture
def seven_pairs(site, programme_round, manager):
    cases = []
    for i, (hba1c, who5, paid5) in enumerate(zip(HBA1C, WHO5, PAID5, strict=True)):
        case = make_case(site, programme_round, manager, first_name=f"Peer{i}")
        _visit(case, VisitKind.PRE, hba1c[0], who5[0], paid5[0])
        _visit(case, VisitKind.POST, hba1c[1], who5[1], paid5[1])
        cases.append(case)
    only_pre = make_case(site, programme_round, manager, first_name="OnlyPre")
    _visit(only_pre, VisitKind.PRE, 77, 44, 9)
    make_case(site, programme_round, manager, first_name="NoVisit")
    return cases


def _measure(measures, key):
    return next(m for m in measures if m.key == key)


def test_the_mean_change_ci_and_wilcoxon_p_are_those_of_the_formula_and_scipy(
    seven_pairs, evaluator
):
    measures, missing = reports.paired_measures(evaluator)
    hba1c = _measure(measures, "hba1c_mmol_mol")

    changes = [after - before for before, after in HBA1C]
    mean = statistics.mean(changes)
    half = stats.t.ppf(0.975, len(changes) - 1) * statistics.stdev(changes) / math.sqrt(7)
    assert hba1c.n == 7
    assert hba1c.mean_change == pytest.approx(mean) == pytest.approx(-34 / 7)
    assert hba1c.ci_low == pytest.approx(mean - half)
    assert hba1c.ci_high == pytest.approx(mean + half)
    assert hba1c.wilcoxon_p == pytest.approx(stats.wilcoxon(changes).pvalue)
    assert hba1c.mean_before == pytest.approx(statistics.mean(b for b, _a in HBA1C))
    # Each peer's pair, pseudonymised, in the plot's data.
    peers = {case.peer_id: case for case in seven_pairs}
    assert {p for p, _b, _a in hba1c.pairs} == {participant_pseudonym(pk) for pk in peers}
    # The missing: the eighth peer was measured before only, the ninth never.
    assert (hba1c.missing_before, hba1c.missing_after, hba1c.missing_both) == (0, 1, 1)
    assert missing == {"peers": 9, "no_pre": 1, "no_post": 2, "neither": 1}


def test_who5_and_paid5_show_the_shares_crossing_their_thresholds(seven_pairs, evaluator):
    measures, _missing = reports.paired_measures(evaluator)
    who5 = {s.label: s for s in _measure(measures, "who5_score").shares}
    poor = next(s for label, s in who5.items() if "50" in label)
    depressed = next(s for label, s in who5.items() if "28" in label)
    assert (poor.n, poor.before, poor.after) == (7, 4, 3)  # 40 28 20 48 | 44 48 36
    assert (depressed.before, depressed.after) == (2, 0)  # 28 20 | none
    (distress,) = _measure(measures, "paid5_score").shares
    assert (distress.before, distress.after) == (4, 1)  # 10 8 12 9 | 8
    assert poor.before_percent == pytest.approx(400 / 7)
    assert _measure(measures, "hba1c_mmol_mol").shares == []


def test_the_page_in_danish_says_foer_and_efter_with_decimal_commas(seven_pairs, client, evaluator):
    in_language(client, evaluator, "da")
    page = client.get(reverse("evaluation:report_prepost")).content.decode()
    texts = svg_texts(page)
    assert texts.count("før") == texts.count("efter") == 10  # one paired plot per measure
    assert not {"pre", "post", "before", "after"} & set(texts)
    assert "-4,86" in page  # HbA1c's mean change, -34/7
    lows = re.findall(r"\(-?\d+,\d\d til -?\d+,\d\d\)", page)
    assert lows, "the confidence interval is written with decimal commas"
    p = stats.wilcoxon([a - b for b, a in HBA1C]).pvalue
    shown = Decimal(str(p)).quantize(Decimal("0.001"), ROUND_HALF_UP)  # as floatformat rounds
    assert f"p = {shown}".replace(".", ",") in page
    assert "4/7 (57 %)" in page  # WHO-5 50 or less before
    assert participant_pseudonym(seven_pairs[0].peer_id) in page
    assert "Peer0" not in page

    in_language(client, evaluator, "en")
    page = client.get(reverse("evaluation:report_prepost")).content.decode()
    assert "-4.86" in page and svg_texts(page).count("before") == 10


def test_with_fewer_than_six_pairs_the_test_says_too_few_pairs(
    case, site, programme_round, manager, client, evaluator
):
    _visit(case, VisitKind.PRE, 70, 40, 10)
    _visit(case, VisitKind.POST, 60, 60, 5)
    measures, _missing = reports.paired_measures(evaluator)
    hba1c = _measure(measures, "hba1c_mmol_mol")
    assert (hba1c.n, hba1c.wilcoxon_p, hba1c.test_skipped) == (1, None, "too_few")
    assert hba1c.mean_change == -10 and hba1c.ci_low is None  # no interval from one pair
    assert _measure(measures, "weight_kg").n == 0

    in_language(client, evaluator, "en")
    response = client.get(reverse("evaluation:report_prepost"))
    assert response.status_code == 200
    assert "too few pairs" in response.content.decode()


def test_when_no_peer_changed_the_test_says_no_change():
    assert wilcoxon_p([0.0] * 6) == (None, "no_change")
    assert wilcoxon_p([1.0] * 5) == (None, "too_few")
    p, reason = wilcoxon_p([1.0, -2.0, 3.0, 4.0, 5.0, 0.0])
    assert reason == "" and p == pytest.approx(stats.wilcoxon([1, -2, 3, 4, 5, 0]).pvalue)
    mean, low, high = mean_change_ci([2.0, 2.0])
    assert (mean, low, high) == (2.0, 2.0, 2.0)  # no spread: the interval is the mean


def test_the_dashboard_still_shows_the_means(seven_pairs, client, evaluator):
    in_language(client, evaluator, "en")
    response = client.get(reverse("evaluation:dashboard"))
    assert response.status_code == 200
