"""The assignment solver: the proposal of maximum total score. Pure: no Django.

Objective: match as many peers as the constraints allow and, among those assignments, the one
with the highest total score. (An unmatched peer is the outcome the programme exists to avoid, so
a higher total never buys a peer left out; with every pair allowed this is simply the maximum
total score.)

How: an exact linear assignment solver on the rectangular cost matrix -score, where an
excluded pair costs a large *finite* number `big` (infinity makes scipy raise "cost matrix is
infeasible" when no complete assignment exists). `big` is larger than any total score, so the
solver first avoids excluded pairs, then maximises the score; excluded pairs that it had to use
to complete the assignment are dropped from the result. A supporter with capacity k appears as k
columns. Locked pairs are taken as given (their peer leaves the problem and their supporter has
one place less), unless the scores now exclude them; forbidden pairs are excluded in the score
matrix by the caller. The result is deterministic: the same matrix gives the same assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from lap import lapjv
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

# Up to this many (peer x supporter place) pairs the dense solver (LAPJV, from the `lap`
# package) is the fastest: measured on 2 cores, 1,000 x 1,000 in 0.05 s against 0.11-0.18 s for
# scipy's linear_sum_assignment, and 5,000 x 5,000 in 3.4-3.8 s against 3.8-4.9 s for LAPJVsp on
# the allowed pairs. Above it, its float64 matrix (8 bytes a pair) would cost too much memory,
# and the sparse solver, which holds only the allowed pairs, takes over.
DENSE_MAX_PAIRS = 40_000_000


def solve(
    scores: np.ndarray,
    capacity: Sequence[int] | np.ndarray | None = None,
    locked: Iterable[tuple[int, int]] = (),
    method: str = "auto",
) -> list[tuple[int, int]]:
    """Row (peer) and column (supporter) indices of the proposed pairs, sorted by row.

    `scores`: n x m, negative where the pair is excluded. `capacity`: places per supporter
    (default 1). `locked`: (row, column) pairs decided already; they are part of the result,
    unless the pair is excluded (see `void_locks`).
    `method`: "dense" (LAPJV on the whole matrix), "sparse" (LAPJVsp on the allowed pairs),
    "scipy" (scipy's linear_sum_assignment, the reference) or "auto" (dense up to
    DENSE_MAX_PAIRS pairs, then sparse). All are exact.
    """
    scores = np.asarray(scores)
    n, m = scores.shape
    cap = np.ones(m, dtype=np.int64) if capacity is None else np.array(capacity, dtype=np.int64)
    if cap.shape != (m,):
        raise ValueError("one capacity per supporter")
    locked = sorted(set(locked))
    if len({i for i, _ in locked}) != len(locked):
        raise ValueError("a peer can be locked to one supporter only")
    # A lock on a pair a hard constraint now excludes (a survey changed since the manager
    # locked it) is void: the peer is matched like any other. The caller reports it
    # (`void_locks`).
    locked = [(i, j) for i, j in locked if scores[i, j] >= 0]
    locked_rows = {i for i, _ in locked}
    for _, j in locked:
        cap[j] -= 1
    cap = np.maximum(cap, 0)

    free_rows = np.array([i for i in range(n) if i not in locked_rows], dtype=np.int64)
    columns = np.repeat(np.arange(m, dtype=np.int64), cap)
    result = list(locked)
    if len(free_rows) == 0 or len(columns) == 0:
        return sorted(result)

    sub = scores
    if len(free_rows) != n:
        sub = sub[free_rows]
    if len(columns) != m or not np.all(cap == 1):
        sub = sub[:, columns]
    excluded = sub < 0
    best = float(max(sub.max(initial=0.0), 0.0))
    big = (best + 1.0) * (min(sub.shape) + 1)
    if method == "auto":
        method = "dense" if sub.size <= DENSE_MAX_PAIRS else "sparse"
    if method == "dense":
        rows, cols = _dense(sub, excluded, big)
    elif method == "scipy":
        rows, cols = _scipy(sub, excluded, big)
    elif method == "sparse":
        rows, cols = _sparse(sub, excluded, big, best)
    else:
        raise ValueError(method)
    result.extend(zip(free_rows[rows].tolist(), columns[cols].tolist(), strict=True))
    return sorted(result)


def _cost(sub: np.ndarray, excluded: np.ndarray, big: float) -> np.ndarray:
    cost = np.empty(sub.shape, dtype=np.float64)
    np.negative(sub, out=cost, casting="unsafe")
    np.copyto(cost, big, where=excluded)
    return cost


def _dense(sub: np.ndarray, excluded: np.ndarray, big: float):
    """LAPJV (Jonker-Volgenant) on the whole matrix; a rectangular one is padded to a square
    (extend_cost), and rows matched to the padding come back as -1."""
    _, x, _ = lapjv(_cost(sub, excluded, big), extend_cost=sub.shape[0] != sub.shape[1])
    rows = np.flatnonzero(x >= 0)
    cols = x[rows].astype(np.int64)
    keep = ~excluded[rows, cols]
    return rows[keep], cols[keep]


def _scipy(sub: np.ndarray, excluded: np.ndarray, big: float):
    rows, cols = linear_sum_assignment(_cost(sub, excluded, big))
    keep = ~excluded[rows, cols]
    return rows[keep], cols[keep]


def _sparse(sub: np.ndarray, excluded: np.ndarray, big: float, best: float):
    """Minimum-weight perfect matching on a graph that always has one: peers and places on
    both sides, each peer with a "stay unmatched" edge of cost big, each place with a "stay
    free" edge, and the allowed pairs mirrored between the stand-ins. Its cost is a constant
    minus (big x pairs + total score), so it is the same objective as the dense solver.

    The graph is written straight into its final CSR arrays (one allocation each, positions
    computed, no masks or concatenations): at 5,000 x 5,000 it has about 15 million edges and
    building it cost as much as solving it."""
    n, m = sub.shape
    offset = best + 1.0  # every edge weight must be positive
    allowed = ~excluded
    per_row = np.count_nonzero(allowed, axis=1)
    pairs = int(per_row.sum())
    # The allowed pairs row by row, from one pass over the flat matrix.
    flat = np.flatnonzero(allowed)
    del allowed
    scores = sub.ravel()[flat]
    rows = np.repeat(np.arange(n, dtype=np.int32), per_row)
    cols = (flat - np.repeat(np.arange(n, dtype=np.int64) * m, per_row)).astype(np.int32)
    del flat

    top = pairs + n  # peers' rows: their allowed places, then their own "unmatched" stand-in
    indices = np.empty(top + m + pairs, dtype=np.int32)
    data = np.empty(top + m + pairs, dtype=np.float64)
    indptr = np.empty(n + m + 1, dtype=np.int32)
    indptr[0] = 0
    np.cumsum(per_row + 1, out=indptr[1 : n + 1])
    position = np.arange(pairs, dtype=np.int32)
    position += rows  # each earlier row has one stand-in edge more
    indices[position] = cols
    data[position] = offset - scores.astype(np.float64)
    del scores
    own = indptr[1 : n + 1] - 1
    indices[own] = m + np.arange(n, dtype=np.int32)
    data[own] = offset + big

    # Places' stand-ins (rows n..n+m-1): their own place first, then the mirrored pairs, column
    # by column. A stable sort of the row-by-row list by column keeps rows ascending within each
    # column; on 16-bit keys numpy sorts by radix.
    key = cols.astype(np.int16) if m < 2**15 else cols
    order = np.argsort(key, kind="stable")
    del key
    by_col, by_col_rows = cols[order], rows[order]
    del order, rows, cols
    np.cumsum(np.bincount(by_col, minlength=m) + 1, out=indptr[n + 1 :])
    indptr[n + 1 :] += top
    position[:] = np.arange(pairs, dtype=np.int32)
    position += by_col
    position += top + 1  # after the column's own place and the earlier columns' ones
    by_col_rows += m
    indices[position] = by_col_rows
    indices[indptr[n : n + m]] = np.arange(m, dtype=np.int32)
    data[top:] = 1.0
    del position, by_col, by_col_rows

    graph = sparse.csr_array((data, indices, indptr), shape=(n + m, m + n))
    del data, indices, indptr
    left, right = min_weight_full_bipartite_matching(graph)
    real = (left < n) & (right < m)
    return left[real], right[real]


def void_locks(scores: np.ndarray, locked: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The locked pairs that `solve` leaves out because the scores exclude them."""
    scores = np.asarray(scores)
    return sorted((i, j) for i, j in set(locked) if scores[i, j] < 0)


def total_score(scores: np.ndarray, pairs: Iterable[tuple[int, int]]) -> float:
    return float(sum(float(scores[i, j]) for i, j in pairs))
