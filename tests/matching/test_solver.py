"""The solver: never an excluded pair, capacities respected, locks kept (unless a hard constraint
now excludes the locked pair: then the lock is void and reported), optimal against brute force
on small pools, deterministic."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings

from matching import scoring, solver

from .strategies import pools, pools_with_locks, score_problems


def allowed_locks(scores, locked):
    """The locks the solver keeps: those on pairs the scores do not exclude."""
    return [(i, j) for i, j in locked if scores[i, j] >= 0]


def brute_force(scores, capacity, locked):
    """The best (number of pairs, total score) over every assignment that keeps the allowed
    locks (a lock on an excluded pair is void: its peer is free)."""
    locked = allowed_locks(scores, locked)
    n, m = scores.shape
    locked_rows = {i for i, _ in locked}
    cap = list(capacity)
    for _, j in locked:
        cap[j] -= 1
    cap = [max(0, c) for c in cap]
    base = sum(float(scores[i, j]) for i, j in locked)
    free = [i for i in range(n) if i not in locked_rows]
    best = (0, 0.0)

    def walk(k, used, count, total):
        nonlocal best
        if k == len(free):
            if (count, total) > (best[0], best[1] + 1e-6):
                best = (count, total)
            return
        i = free[k]
        walk(k + 1, used, count, total)
        for j in range(m):
            if scores[i, j] >= 0 and used[j] < cap[j]:
                used[j] += 1
                walk(k + 1, used, count + 1, total + float(scores[i, j]))
                used[j] -= 1

    walk(0, [0] * m, 0, 0.0)
    return best[0] + len(locked), best[1] + base


def check(scores, capacity, locked, pairs):
    void = set(solver.void_locks(scores, locked))
    assert void == set(locked) - set(allowed_locks(scores, locked))
    locked_set = set(locked) - void
    # every allowed locked pair is kept; no pair is excluded, locked or not
    assert locked_set <= set(pairs)
    for i, j in pairs:
        assert scores[i, j] >= 0, "an excluded pair was proposed"
    assert not void & set(pairs)
    # one supporter per peer, capacities respected (locks count against the capacity)
    rows = [i for i, _ in pairs]
    assert len(rows) == len(set(rows))
    for j in range(scores.shape[1]):
        used = sum(1 for _i, jj in pairs if jj == j)
        free_used = sum(1 for i, jj in pairs if jj == j and (i, jj) not in locked_set)
        locks = used - free_used
        assert free_used <= max(0, capacity[j] - locks)


@pytest.mark.parametrize("method", ["dense", "sparse", "scipy"])
@settings(max_examples=300, deadline=None)
@given(problem=score_problems())
def test_proposal_is_valid_and_optimal_against_brute_force(method, problem):
    scores, capacity, locked = problem
    # one lock per peer (the database enforces it)
    locked = list({i: (i, j) for i, j in locked}.values())
    pairs = solver.solve(scores, capacity, locked, method=method)
    check(scores, capacity, locked, pairs)
    count, total = brute_force(scores, capacity, locked)
    assert len(pairs) == count
    assert solver.total_score(scores, pairs) == pytest.approx(total, abs=1e-3)


@settings(max_examples=100, deadline=None)
@given(pools(max_peers=5, max_supporters=4))
def test_proposal_from_real_scores_never_contains_an_excluded_pair(pool):
    peers, supporters = pool
    weights = scoring.Weights()
    p = scoring.encode(peers, "peer", weights)
    s = scoring.encode(supporters, "supporter", weights)
    scores = scoring.score_matrix(p, s, weights)
    pairs = solver.solve(scores, s.capacity)
    for i, j in pairs:
        assert not scoring.score_pair(peers[i], supporters[j], weights).excluded
    check(scores, list(s.capacity), [], pairs)
    count, total = brute_force(scores, list(s.capacity), [])
    assert (len(pairs), pytest.approx(total, abs=1e-3)) == (
        count,
        solver.total_score(scores, pairs),
    )


@pytest.mark.parametrize("method", ["dense", "sparse", "scipy"])
@settings(max_examples=150, deadline=None)
@given(pools_with_locks(max_peers=5, max_supporters=4))
def test_locks_on_pairs_that_a_survey_change_excludes_are_void(method, pool):
    """The manager locked pairs; then some locked peers added a requirement to their survey.
    Scored again, a lock the requirement excludes is void (reported by `void_locks`, never
    proposed); the other locks are kept; the proposal is still optimal."""
    peers_before, supporters, locks, peers = pool
    weights = scoring.Weights()
    s = scoring.encode(supporters, "supporter", weights)
    before = scoring.score_matrix(scoring.encode(peers_before, "peer", weights), s, weights)
    scores = scoring.score_matrix(scoring.encode(peers, "peer", weights), s, weights)
    locks = [(i, j) for i, j in locks if before[i, j] >= 0]  # the manager locked allowed pairs
    pairs = solver.solve(scores, s.capacity, locks, method=method)
    for i, j in pairs:
        assert not scoring.score_pair(peers[i], supporters[j], weights).excluded
    void = solver.void_locks(scores, locks)
    assert void == sorted(
        (i, j) for i, j in locks if scoring.score_pair(peers[i], supporters[j], weights).excluded
    )
    check(scores, list(s.capacity), locks, pairs)
    count, total = brute_force(scores, list(s.capacity), locks)
    assert len(pairs) == count
    assert solver.total_score(scores, pairs) == pytest.approx(total, abs=1e-3)


def test_a_lock_on_a_pair_now_excluded_is_void():
    scores = np.array([[scoring.EXCLUDED, 3], [5, 1]], dtype=np.float32)
    assert solver.void_locks(scores, [(0, 0)]) == [(0, 0)]
    assert solver.solve(scores, locked=[(0, 0)]) == [(0, 1), (1, 0)]


def test_the_three_methods_agree_on_a_large_pool():
    from bench.matching import synthetic_pool

    peers, supporters = synthetic_pool(300, seed=11)
    weights = scoring.Weights()
    scores = scoring.score_matrix(
        scoring.encode(peers, "peer", weights),
        scoring.encode(supporters, "supporter", weights),
        weights,
    )
    dense = solver.solve(scores, method="dense")
    for other in ("sparse", "scipy"):
        pairs = solver.solve(scores, method=other)
        assert len(pairs) == len(dense)
        assert solver.total_score(scores, pairs) == pytest.approx(solver.total_score(scores, dense))
    with pytest.raises(ValueError):
        solver.solve(scores, method="magic")


def test_same_input_same_proposal():
    from bench.matching import run_ours, synthetic_pool

    peers, supporters = synthetic_pool(200, seed=7)
    weights = scoring.Weights()
    first = run_ours(peers, supporters, weights)[3]
    second = run_ours(peers, supporters, weights)[3]
    assert first == second


def test_ties_are_broken_the_same_way_every_time():
    scores = np.full((4, 4), 5.0, dtype=np.float32)
    first = solver.solve(scores)
    assert all(solver.solve(scores.copy()) == first for _ in range(5))
    assert len(first) == 4 and solver.total_score(scores, first) == 20


def test_more_peers_than_supporters():
    scores = np.array([[1, 2], [3, 1], [2, 2]], dtype=np.float32)
    pairs = solver.solve(scores)
    # Two proposals tie at 5 (peer 1 takes supporter 0, and peer 0 or peer 2 supporter 1).
    assert pairs in ([(0, 1), (1, 0)], [(1, 0), (2, 1)])


def test_more_supporters_than_peers():
    scores = np.array([[1, 9, 2, 3]], dtype=np.float32)
    assert solver.solve(scores) == [(0, 1)]


def test_a_supporter_may_take_three_peers():
    scores = np.array([[5, 1], [5, 1], [5, 1], [5, 1]], dtype=np.float32)
    pairs = solver.solve(scores, capacity=[3, 1])
    assert sorted(j for _i, j in pairs) == [0, 0, 0, 1]


def test_no_complete_assignment_is_not_an_error():
    """Every pair excluded: scipy would raise 'cost matrix is infeasible' with infinity."""
    scores = np.full((3, 3), scoring.EXCLUDED, dtype=np.float32)
    assert solver.solve(scores) == []


def test_excluded_pairs_are_dropped_not_forced():
    scores = np.array([[4, -1], [-1, -1]], dtype=np.float32)
    assert solver.solve(scores) == [(0, 0)]


def test_matching_more_peers_beats_a_higher_total_with_fewer():
    # A could take S0 (10) or S1 (1); B only S0 (1). Two pairs (A-S1, B-S0) beat A-S0 alone.
    scores = np.array([[10, 1], [1, -1]], dtype=np.float32)
    assert solver.solve(scores) == [(0, 1), (1, 0)]


def test_locked_pair_is_kept_even_when_not_optimal():
    scores = np.array([[9, 1], [1, 9]], dtype=np.float32)
    assert solver.solve(scores, locked=[(0, 1)]) == [(0, 1), (1, 0)]


def test_lock_uses_the_supporters_place():
    scores = np.array([[9, 1], [9, 1]], dtype=np.float32)
    assert solver.solve(scores, capacity=[1, 1], locked=[(1, 0)]) == [(0, 1), (1, 0)]


def test_two_locks_for_one_peer_are_refused():
    scores = np.ones((1, 2), dtype=np.float32)
    with pytest.raises(ValueError):
        solver.solve(scores, locked=[(0, 0), (0, 1)])


def test_empty_pool():
    assert solver.solve(np.zeros((0, 3), dtype=np.float32)) == []
    assert solver.solve(np.zeros((3, 0), dtype=np.float32)) == []
    assert list(itertools.chain(solver.solve(np.zeros((2, 2)), capacity=[0, 0]))) == []
