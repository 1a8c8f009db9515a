"""Why a run left a waiting peer without a supporter.

Every peer waiting for a supporter (pool.waiting_peers, the dashboard's count) is accounted for
by a run: proposed a pair, or left without one for one of three reasons:

- no match survey: the peer is not in the pool;
- no supporter within their requirements: a hard constraint (either side's requirement, as the
  scorer explains it) or a forbidden pairing (the manager, a refusal, an earlier pair) excludes
  every supporter with a free place; the explanation counts, per requirement, how many
  supporters it excluded;
- no capacity left: supporters within the requirements exist, but the solver gave all their
  places to other peers (it matches as many peers as the constraints allow, so a peer it leaves
  out has no fitting supporter with a place to spare), or no supporter has a free place at all.

The constraints are the scorer's own (`scoring.pair_exclusions`, which `score_pair` uses), not
written again here.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from . import scoring
from .models import UnmatchedPeer, UnmatchedReason
from .pool import Pool


def explain_unmatched(
    pool: Pool, matrix: np.ndarray, pairs: list[tuple[int, int]]
) -> list[UnmatchedPeer]:
    """Unsaved UnmatchedPeer rows (without their run) for the pool's peers that `pairs` (the
    solver's (row, column) result on `matrix`, the pool's scores with forbidden pairs excluded)
    leaves out. Only for a peer with no fitting supporter does it check the peer against each
    supporter again, in plain Python (some 10 µs a pair), to say which requirement excluded
    whom."""
    matched = {i for i, _j in pairs}
    supporters = len(pool.supporters)
    result = []
    for i, peer in enumerate(pool.peers):
        if i in matched:
            continue
        fitting = int(np.count_nonzero(matrix[i] >= 0)) if supporters else 0
        row = UnmatchedPeer(peer=peer, supporters=supporters, fitting=fitting)
        if fitting or not supporters:
            row.reason = UnmatchedReason.NO_CAPACITY
        else:
            row.reason = UnmatchedReason.EXCLUDED
            row.exclusions = _exclusions(pool, i)
        result.append(row)
    return result


def _exclusions(pool: Pool, i: int) -> list[list]:
    """[[constraint, side, supporters], ...] for peer row i, most supporters first (ties in the
    scorer's order of constraints)."""
    peer, answers = pool.peers[i], pool.peer_answers[i]
    counts: Counter[tuple[str, str]] = Counter()
    for supporter, supporter_answers in zip(pool.supporters, pool.supporter_answers, strict=True):
        counts.update(set(scoring.pair_exclusions(answers, supporter_answers)))
        rule = pool.forbidden.get((peer.pk, supporter.pk))
        if rule is not None:
            counts[("rule", rule.source)] += 1
    order = {name: k for k, name in enumerate((*scoring.CONSTRAINTS, "rule"))}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order[item[0][0]], item[0][1]))
    return [[constraint, side, count] for (constraint, side), count in ranked]
