"""The scorer: each hard constraint (both directions), each soft criterion, and the matrix
against the per-pair explanation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from matching import scoring
from matching.scoring import EXCLUDED, Answers, Weights

from .strategies import pools

W = Weights()


def matrix(peers, supporters, weights=W, **kwargs):
    return scoring.score_matrix(
        scoring.encode(peers, "peer", weights),
        scoring.encode(supporters, "supporter", weights),
        weights,
        **kwargs,
    )


def pair(peer: Answers, supporter: Answers, weights=W):
    """(matrix score, explanation) of one pair, checking both paths agree on exclusion."""
    value = float(matrix([peer], [supporter], weights)[0, 0])
    result = scoring.score_pair(peer, supporter, weights)
    assert (value == EXCLUDED) == result.excluded
    if not result.excluded:
        assert value == pytest.approx(result.total, abs=1e-4)
    return value, result


def person(pid=1, **fields):
    values = {"age": 60, "sex": "female", "x_km": 0.0, "y_km": 0.0}
    values.update(fields)
    return Answers(id=pid, **values)


# --- hard constraints, each in both directions ---------------------------------------------------

CONSTRAINT_CASES = [
    ("sex", {"sex_required": "male"}, {"sex": "female"}),
    ("age", {"age_min": 65}, {"age": 60}),
    ("age", {"age_max": 55}, {"age": 60}),
    (
        "ethnicity",
        {"same_ethnicity_required": True, "ethnicity": "danish"},
        {"ethnicity": "western"},
    ),
    (
        "language",
        {"shared_language_required": True, "languages": frozenset({"ar"})},
        {"languages": frozenset({"da"})},
    ),
    ("smoking", {"non_smoker_required": True}, {"smokes": True}),
    ("pets", {"pet_allergy": True}, {"has_pets": True}),
    ("distance", {"max_distance_km": 5.0}, {"x_km": 6.0}),
]


@pytest.mark.parametrize(("constraint", "requirement", "other"), CONSTRAINT_CASES)
def test_peer_requirement_excludes_the_pair(constraint, requirement, other):
    peer = person(1, **requirement)
    supporter = person(2, **other)
    value, result = pair(peer, supporter)
    assert value == EXCLUDED
    assert (constraint, "peer") in result.exclusions


@pytest.mark.parametrize(("constraint", "requirement", "other"), CONSTRAINT_CASES)
def test_supporter_requirement_excludes_the_pair(constraint, requirement, other):
    supporter = person(2, **requirement)
    peer = person(1, **other)
    value, result = pair(peer, supporter)
    assert value == EXCLUDED
    assert (constraint, "supporter") in result.exclusions


MET = [
    {"sex": "male"},
    {"age": 65},
    {"age": 55},
    {"ethnicity": "danish"},
    {"languages": frozenset({"ar", "da"})},
    {"smokes": False},
    {"has_pets": False},
    {"x_km": 5.0},
]


@pytest.mark.parametrize(
    ("case", "met"),
    list(zip(CONSTRAINT_CASES, MET, strict=True)),
    ids=[c[0] for c in CONSTRAINT_CASES],
)
def test_requirement_met_keeps_the_pair(case, met):
    _constraint, requirement, _other = case
    value, result = pair(person(1, **requirement), person(2, **met))
    assert value != EXCLUDED, result.exclusions
    value, result = pair(person(1, **met), person(2, **requirement))
    assert value != EXCLUDED, result.exclusions


def test_vulnerability_the_supporter_cannot_take_on_excludes():
    peer = person(1, vulnerabilities=frozenset({"substance_use", "isolation"}))
    cannot = person(2, vulnerabilities=frozenset({"substance_use"}))
    can = person(3, vulnerabilities=frozenset({"housing"}))
    assert pair(peer, cannot)[1].exclusions == [("vulnerability", "supporter")]
    assert pair(peer, can)[0] != EXCLUDED


def test_a_peers_own_vulnerability_excludes_nobody_by_itself():
    peer = person(1, vulnerabilities=frozenset({"mental_health"}))
    assert pair(peer, person(2))[0] != EXCLUDED


def test_unknown_location_never_excludes_and_scores_no_distance():
    peer = person(1, max_distance_km=1.0, x_km=None, y_km=None)
    value, result = pair(peer, person(2, x_km=100.0))
    assert value != EXCLUDED
    assert result.points["distance"] == 0


def test_distance_exactly_at_the_limit_is_allowed():
    assert pair(person(1, max_distance_km=5.0), person(2, x_km=3.0, y_km=4.0))[0] != EXCLUDED


def test_both_sides_excluding_are_both_reported():
    peer = person(1, non_smoker_required=True, smokes=True)
    supporter = person(2, non_smoker_required=True, smokes=True)
    assert pair(peer, supporter)[1].exclusions == [("smoking", "peer"), ("smoking", "supporter")]


# --- soft criteria -------------------------------------------------------------------------------

ONLY = {name: 0.0 for name in scoring.CRITERIA}


def only(criterion, weight=1.0):
    return Weights(**{**ONLY, criterion: weight})


def test_similarity_counts_sex_age_ethnicity_education_occupation():
    both = {"ethnicity": "danish", "education": "short", "occupation": "retired"}
    peer = person(1, age=60, **both)
    assert pair(peer, person(2, age=70, **both), only("similarity"))[0] == 5
    assert pair(peer, person(2, age=71, **both), only("similarity"))[0] == 4
    assert pair(peer, person(2, age=60, sex="male"), only("similarity"))[0] == 1
    assert scoring.similarity_details(peer, person(2, age=75, **both)) == [
        "sex",
        "ethnicity",
        "education",
        "occupation",
    ]


def test_unknown_answers_are_never_similar():
    peer = person(1, age=None, sex="")
    assert pair(peer, person(2, age=None, sex=""), only("similarity"))[0] == 0


def test_shared_language_scores():
    peer = person(1, languages=frozenset({"da", "ar"}))
    assert pair(peer, person(2, languages=frozenset({"ar"})), only("language", 3))[0] == 3
    assert pair(peer, person(2, languages=frozenset({"en"})), only("language", 3))[0] == 0


def test_distance_scores_less_further_away():
    w = only("distance", 4)
    here = pair(person(1), person(2, x_km=0.0), w)[0]
    ten = pair(person(1), person(2, x_km=10.0), w)[0]
    far = pair(person(1), person(2, x_km=30.0), w)[0]
    assert here == pytest.approx(4)
    assert ten == pytest.approx(2)
    assert far == 0


def test_needs_met_by_offers_score_the_share_of_needs():
    peer = person(1, activities=frozenset({"walks", "cooking", "company", "health_system"}))
    half = person(2, activities=frozenset({"walks", "cooking", "shopping"}))
    assert pair(peer, half, only("needs", 4))[0] == pytest.approx(2)
    assert scoring.explain(peer, half, W)["needs_unmet"] == ["company", "health_system"]


def test_availability_overlap_scores_the_share_of_the_peers_slots():
    peer = person(1, availability=frozenset({"weekday_morning", "weekend_morning"}))
    supporter = person(2, availability=frozenset({"weekday_morning", "weekday_evening"}))
    assert pair(peer, supporter, only("availability", 3))[0] == pytest.approx(1.5)


def test_lived_experience_scores_years_and_work_experience():
    w = only("experience", 2)
    assert pair(person(1), person(2, years_with_t2d=10, support_work_experience=True), w)[0] == 2
    assert pair(person(1), person(2, years_with_t2d=5), w)[0] == pytest.approx(0.5)
    assert pair(person(1), person(2, years_with_t2d=40), w)[0] == 1


def test_weights_change_the_ranking():
    peer = person(1, activities=frozenset({"walks"}), ethnicity="danish")
    near_unlike = person(2, sex="male", ethnicity="non_western", activities=frozenset({"walks"}))
    far_alike = person(3, x_km=19.0, ethnicity="danish")
    scores_needs = matrix([peer], [near_unlike, far_alike], only("needs", 10))[0]
    scores_sim = matrix([peer], [near_unlike, far_alike], only("similarity", 10))[0]
    assert scores_needs[0] > scores_needs[1]
    assert scores_sim[1] > scores_sim[0]


def test_explanation_is_json_ready_and_complete():
    explanation = scoring.explain(person(1), person(2, x_km=3.0, y_km=4.0), W)
    assert explanation["distance_km"] == 5.0
    assert set(explanation["points"]) == set(scoring.CRITERIA)
    assert explanation["total"] == pytest.approx(sum(explanation["points"].values()), abs=1e-2)


# --- the matrix ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(pools(max_peers=7, max_supporters=7))
def test_matrix_agrees_with_the_per_pair_scorer(pool):
    peers, supporters = pool
    fast = matrix(peers, supporters, block_elements=5)  # several blocks, some partial
    for i, p in enumerate(peers):
        for j, s in enumerate(supporters):
            total = scoring.score_pair(p, s, W).total
            if total is None:
                assert fast[i, j] == EXCLUDED
            else:
                assert fast[i, j] == pytest.approx(total, abs=1e-4)
                assert fast[i, j] >= 0


def test_matrix_shape_and_progress_for_an_empty_side():
    assert matrix([], [person(1)]).shape == (0, 1)
    assert matrix([person(1)], []).shape == (1, 0)
    calls = []
    matrix(
        [person(i) for i in range(10)],
        [person(1)],
        block_elements=3,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (10, 10)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_matrix_block_size_does_not_change_scores():
    from bench.matching import synthetic_pool

    peers, supporters = synthetic_pool(60, seed=3)
    a = matrix(peers, supporters, block_elements=1)
    b = matrix(peers, supporters, block_elements=1 << 20)
    assert np.array_equal(a, b)


def test_parallel_bands_give_the_same_matrix(monkeypatch):
    from bench.matching import synthetic_pool

    peers, supporters = synthetic_pool(80, seed=5)
    single = matrix(peers, supporters, workers=1, block_elements=64)
    monkeypatch.setattr(scoring, "PAIRS_PER_THREAD", 1)
    calls = []
    parallel = matrix(
        peers,
        supporters,
        workers=2,
        block_elements=64,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert np.array_equal(single, parallel)
    assert calls[-1] == (80, 80)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_age_range_boundaries_and_unknown_ages():
    peer = person(1, age_min=50, age_max=60)
    assert pair(peer, person(2, age=50))[0] != EXCLUDED
    assert pair(peer, person(2, age=60))[0] != EXCLUDED
    assert pair(peer, person(2, age=49))[0] == EXCLUDED
    assert pair(peer, person(2, age=61))[0] == EXCLUDED
    assert pair(peer, person(2, age=None))[0] == EXCLUDED  # cannot be checked: excluded
    assert pair(person(1, age_min=70, age_max=40), person(2, age=55))[0] == EXCLUDED
    assert pair(person(1, age=None), person(2, age=None), only("similarity"))[0] == 1  # sex
