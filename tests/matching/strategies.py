"""Hypothesis strategies for survey answers and score matrices."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import strategies as st

from matching import scoring
from matching.scoring import Answers


def _subset(codes):
    return st.frozensets(st.sampled_from(codes), max_size=len(codes))


def _maybe(strategy, empty=None):
    return st.one_of(st.just(empty), strategy)


@st.composite
def answers(draw, pid: int = 0):
    # Whole kilometres and ages keep float32 and float64 exactly equal at the boundaries.
    known = draw(st.booleans())
    age_min = draw(_maybe(st.integers(30, 70)))
    age_max = draw(_maybe(st.integers(40, 90)))
    if age_min is not None and age_max is not None and age_max < age_min:
        age_min, age_max = age_max, age_min
    return Answers(
        id=pid,
        age=draw(_maybe(st.integers(30, 90))),
        sex=draw(st.sampled_from(("", *scoring.SEXES))),
        ethnicity=draw(st.sampled_from(("", *scoring.ETHNICITIES))),
        education=draw(st.sampled_from(("", *scoring.EDUCATIONS))),
        occupation=draw(st.sampled_from(("", *scoring.OCCUPATIONS))),
        languages=draw(_subset(scoring.LANGUAGES[:4])),
        x_km=float(draw(st.integers(0, 40))) if known else None,
        y_km=float(draw(st.integers(0, 40))) if known else None,
        activities=draw(_subset(scoring.ACTIVITIES)),
        years_with_t2d=draw(st.integers(0, 30)),
        support_work_experience=draw(st.booleans()),
        availability=draw(_subset(scoring.SLOTS)),
        capacity=draw(st.integers(1, 3)),
        smokes=draw(st.booleans()),
        has_pets=draw(st.booleans()),
        age_min=age_min,
        age_max=age_max,
        sex_required=draw(st.sampled_from(("", "", "female", "male"))),
        same_ethnicity_required=draw(st.booleans()),
        shared_language_required=draw(st.booleans()),
        non_smoker_required=draw(st.booleans()),
        pet_allergy=draw(st.booleans()),
        max_distance_km=draw(_maybe(st.integers(1, 40).map(float))),
        vulnerabilities=draw(_subset(scoring.VULNERABILITIES[:4])),
    )


@st.composite
def pools(draw, max_peers=6, max_supporters=6):
    n = draw(st.integers(0, max_peers))
    m = draw(st.integers(0, max_supporters))
    peers = [draw(answers(i)) for i in range(n)]
    supporters = [draw(answers(j)) for j in range(m)]
    return peers, supporters


@st.composite
def score_problems(draw, max_n=5, max_m=4, max_capacity=2):
    """A small score matrix (some pairs excluded), capacities and locked pairs."""
    n = draw(st.integers(0, max_n))
    m = draw(st.integers(0, max_m))
    values = draw(
        st.lists(
            st.one_of(st.just(-1.0), st.integers(0, 20).map(float)),
            min_size=n * m,
            max_size=n * m,
        )
    )
    scores = np.array(values, dtype=np.float32).reshape(n, m)
    capacity = draw(st.lists(st.integers(0, max_capacity), min_size=m, max_size=m))
    locked = []
    if n and m:
        for i in range(n):
            if draw(st.integers(0, 4)) == 0:
                locked.append((i, draw(st.integers(0, m - 1))))
    return scores, capacity, locked


def _tightened(draw, peer: Answers, supporter: Answers) -> Answers:
    """The peer's survey after a change that adds a hard requirement aimed at the supporter
    they were locked to (it may or may not exclude them, as in real use)."""
    change = draw(st.sampled_from(["sex", "non_smoker", "pets", "age", "distance"]))
    if change == "sex":
        others = [sex for sex in scoring.SEXES if sex != supporter.sex]
        return dataclasses.replace(peer, sex_required=draw(st.sampled_from(others)))
    if change == "non_smoker":
        return dataclasses.replace(peer, non_smoker_required=True)
    if change == "pets":
        return dataclasses.replace(peer, pet_allergy=True)
    if change == "age" and supporter.age is not None:
        return dataclasses.replace(peer, age_min=supporter.age + 1, age_max=None)
    return dataclasses.replace(peer, max_distance_km=float(draw(st.integers(1, 3))))


@st.composite
def pools_with_locks(draw, max_peers=5, max_supporters=4):
    """A pool, the manager's locks (at most one per peer), and the pool again after some locked
    peers changed their survey to add a requirement: (peers, supporters, locks, peers after)."""
    peers, supporters = draw(pools(max_peers=max_peers, max_supporters=max_supporters))
    locks: list[tuple[int, int]] = []
    if peers and supporters:
        for i in range(len(peers)):
            if draw(st.booleans()):
                locks.append((i, draw(st.integers(0, len(supporters) - 1))))
    after = list(peers)
    for i, j in locks:
        if draw(st.booleans()):
            after[i] = _tightened(draw, peers[i], supporters[j])
    return peers, supporters, locks, after
