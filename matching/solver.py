"""The assignment solver: the proposal of maximum total score. Pure: no Django.

Objective: match as many peers as the constraints allow and, among those assignments, the one
with the highest total score. (An unmatched peer is the outcome the programme exists to avoid, so
a higher total never buys a peer left out; with every pair allowed this is simply the maximum
total score.)

How: `scipy.optimize.linear_sum_assignment` on the rectangular cost matrix -score, where an
excluded pair costs a large *finite* number `big` (infinity makes scipy raise "cost matrix is
infeasible" when no complete assignment exists). `big` is larger than any total score, so the
solver first avoids excluded pairs, then maximises the score; excluded pairs that it had to use
to complete the assignment are dropped from the result. A supporter with capacity k appears as k
columns. Locked pairs are taken as given (their peer leaves the problem and their supporter has
one place less); forbidden pairs are excluded in the score matrix by the caller. The result is
deterministic: the same matrix gives the same assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


def solve(
    scores: np.ndarray,
    capacity: Sequence[int] | np.ndarray | None = None,
    locked: Iterable[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """Row (peer) and column (supporter) indices of the proposed pairs, sorted by row.

    `scores`: n x m, negative where the pair is excluded. `capacity`: places per supporter
    (default 1). `locked`: (row, column) pairs decided already; they are part of the result.
    """
    scores = np.asarray(scores)
    n, m = scores.shape
    cap = np.ones(m, dtype=np.int64) if capacity is None else np.array(capacity, dtype=np.int64)
    if cap.shape != (m,):
        raise ValueError("one capacity per supporter")
    locked = sorted(set(locked))
    locked_rows = {i for i, _ in locked}
    if len(locked_rows) != len(locked):
        raise ValueError("a peer can be locked to one supporter only")
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
    best = float(max(sub.max(initial=0.0), 0.0))
    big = (best + 1.0) * (min(sub.shape) + 1)
    cost = np.where(sub < 0, big, -sub.astype(np.float64))
    rows, cols = linear_sum_assignment(cost)
    keep = cost[rows, cols] <= 0
    result.extend(zip(free_rows[rows[keep]].tolist(), columns[cols[keep]].tolist(), strict=True))
    return sorted(result)


def total_score(scores: np.ndarray, pairs: Iterable[tuple[int, int]]) -> float:
    return float(sum(float(scores[i, j]) for i, j in pairs))
