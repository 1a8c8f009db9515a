"""Score every peer x supporter pair of a pool at once, and explain any one pair.

Pure: no Django, no database. Two paths that apply the same rules:

- `score_matrix(peers, supporters, weights)`: the hot path. NumPy, vectorised, row blocks sized so
  the temporaries stay in cache, no per-pair Python. Excluded pairs get the sentinel `EXCLUDED`
  (valid scores are never negative).
- `score_pair(peer, supporter, weights)`: one pair in plain Python. It says which criterion gave
  how many points and, for an excluded pair, which constraint excluded it on whose side. It is the
  explanation the manager reads and the per-pair baseline of the benchmark; a property test checks
  that both paths agree.

Hard constraints (either side's requirement removes the pair): sex, age range, same ethnicity,
a shared language, non-smoker, pet allergy, maximum distance, and the types of vulnerability a
supporter cannot take on. Soft criteria add up with the manager's weights (`Weights`):

- similarity: weight x the number of sociodemographic similarities (0-5: sex, age within 10
  years, ethnicity, education level, occupation);
- language: weight when they share a language;
- distance: weight x (1 - distance / 20 km), at least 0; 0 when a location is unknown (the
  distance is then not checked: neither side's maximum distance can exclude the pair, and the
  explanation says so);
- needs: weight x the share of the peer's needs that the supporter offers;
- availability: weight x the share of the peer's time slots that the supporter also has;
- experience: weight x (years with type 2 diabetes, up to 10, / 10 + work experience as a
  support person) / 2.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

EXCLUDED = np.float32(-1.0)
DISTANCE_SCALE_KM = 20.0  # the distance criterion gives no points from this distance on
AGE_SIMILARITY_YEARS = 10  # two ages within this many years count as a similarity
EXPERIENCE_YEARS_CAP = 10
MAX_SIMILARITIES = 5

SEXES = ("female", "male", "other")
# The background's codes (programme.models.choices Origin, Education, Employment: the study's
# categories), spelled out here so the scorer stays importable without Django; a test holds them
# equal to the choices.
ETHNICITIES = ("danish", "western", "non_western")
EDUCATIONS = ("short", "vocational", "intermediate", "long")
OCCUPATIONS = ("employed", "unemployed", "sick_leave", "early_retirement", "retired")
LANGUAGES = ("da", "en", "de", "ar", "tr", "ur", "pl", "so", "fa", "bs")
ACTIVITIES = (
    "walks",
    "cooking",
    "company",
    "health_system",
    "medication",
    "shopping",
    "social",
    "emotional",
)
SLOTS = (
    "weekday_morning",
    "weekday_afternoon",
    "weekday_evening",
    "weekend_morning",
    "weekend_afternoon",
    "weekend_evening",
)
VULNERABILITIES = (
    "mental_health",
    "substance_use",
    "multimorbidity",
    "physical_disability",
    "language_barrier",
    "isolation",
    "finances",
    "housing",
)

CRITERIA = ("similarity", "language", "distance", "needs", "availability", "experience")
CONSTRAINTS = (
    "sex",
    "age",
    "ethnicity",
    "language",
    "smoking",
    "pets",
    "distance",
    "vulnerability",
)

# Kilometres per degree for an equirectangular projection centred on Denmark (56° N): good to a
# few per cent over the country, which is all a travel-distance preference needs.
KM_PER_DEGREE_LAT = 111.2
KM_PER_DEGREE_LON = 111.2 * math.cos(math.radians(56.0))


def project(lat: float, lon: float) -> tuple[float, float]:
    """Latitude and longitude to (x, y) kilometres on the plane the scorer measures on."""
    return lon * KM_PER_DEGREE_LON, lat * KM_PER_DEGREE_LAT


@dataclass(frozen=True)
class Weights:
    """The manager's weights, points per criterion (see the module docstring)."""

    similarity: float = 2.0
    language: float = 3.0
    distance: float = 3.0
    needs: float = 4.0
    availability: float = 3.0
    experience: float = 2.0

    def maximum(self) -> float:
        """The highest score a pair can reach with these weights."""
        return (
            self.similarity * MAX_SIMILARITIES
            + self.language
            + self.distance
            + self.needs
            + self.availability
            + self.experience
        )


@dataclass(frozen=True)
class Answers:
    """One side's survey answers as the scorer needs them.

    For a peer `activities` are their needs and `vulnerabilities` their own; for a supporter
    `activities` are what they offer and `vulnerabilities` those they cannot take on.
    """

    id: int
    age: int | None = None
    sex: str = ""
    ethnicity: str = ""
    education: str = ""
    occupation: str = ""
    languages: frozenset[str] = frozenset()
    x_km: float | None = None
    y_km: float | None = None
    activities: frozenset[str] = frozenset()
    years_with_t2d: int = 0
    support_work_experience: bool = False
    availability: frozenset[str] = frozenset()
    capacity: int = 1
    smokes: bool = False
    has_pets: bool = False
    age_min: int | None = None
    age_max: int | None = None
    sex_required: str = ""
    same_ethnicity_required: bool = False
    shared_language_required: bool = False
    non_smoker_required: bool = False
    pet_allergy: bool = False
    max_distance_km: float | None = None
    vulnerabilities: frozenset[str] = frozenset()


# --- encoding ------------------------------------------------------------------------------------


def _bits(codes: Sequence[str], values: Iterable[str]) -> int:
    mask = 0
    for value in values:
        if value in codes:
            mask |= 1 << codes.index(value)
    return mask


def _one_hot(codes: Sequence[str], value: str, offset: int) -> int:
    return 1 << (offset + codes.index(value)) if value in codes else 0


# Layout of the trait/refusal masks: a pair is excluded when one side refuses a trait the other
# has, so sex, ethnicity, smoking, pets and vulnerability cost one AND per direction.
_SEX_BITS = 0  # female, male, other, unknown
_ETH_BITS = 4  # danish, western, non_western, unknown
_SMOKES_BIT = 1 << 8
_PETS_BIT = 1 << 9
_VULN_BITS = 10
_ALL_SEX = 0b1111 << _SEX_BITS
_ALL_ETH = 0b1111 << _ETH_BITS

# Layout of the sociodemographic mask: popcount(peer & supporter) = the number of equal answers.
_DEMO_SEX = 0
_DEMO_ETH = 3
_DEMO_EDU = 6
_DEMO_OCC = 10

_NO_AGE = {"peer": -1000, "supporter": -2000}  # unknown ages never come within 10 years
# Ages are uint16 shifted by this offset, so "outside [low, high]" is one wrapping subtraction
# and one comparison: (age - low) mod 2**16 > high - low.
_AGE_OFFSET = 4096
_U16_MAX = 65535


def _age_u16(a: Answers, side: str) -> int:
    return (_NO_AGE[side] if a.age is None else a.age) + _AGE_OFFSET


def _age_range_u16(a: Answers) -> tuple[int, int]:
    low = 0 if a.age_min is None else a.age_min + _AGE_OFFSET
    high = _U16_MAX if a.age_max is None else a.age_max + _AGE_OFFSET
    if high < low:  # an empty range accepts nobody
        return _U16_MAX, 0
    return low, high - low


def _trait(a: Answers, side: str) -> int:
    sex = _one_hot(SEXES, a.sex, _SEX_BITS) or (1 << (_SEX_BITS + 3))
    eth = _one_hot(ETHNICITIES, a.ethnicity, _ETH_BITS) or (1 << (_ETH_BITS + 3))
    mask = sex | eth
    if a.smokes:
        mask |= _SMOKES_BIT
    if a.has_pets:
        mask |= _PETS_BIT
    if side == "peer":
        mask |= _bits(VULNERABILITIES, a.vulnerabilities) << _VULN_BITS
    return mask


def _refusal(a: Answers, side: str) -> int:
    mask = 0
    if a.sex_required:
        mask |= _ALL_SEX & ~_one_hot(SEXES, a.sex_required, _SEX_BITS)
    if a.same_ethnicity_required:
        mask |= _ALL_ETH & ~_one_hot(ETHNICITIES, a.ethnicity, _ETH_BITS)
    if a.non_smoker_required:
        mask |= _SMOKES_BIT
    if a.pet_allergy:
        mask |= _PETS_BIT
    if side == "supporter":
        mask |= _bits(VULNERABILITIES, a.vulnerabilities) << _VULN_BITS
    return mask


def _demographics(a: Answers) -> int:
    return (
        _one_hot(SEXES, a.sex, _DEMO_SEX)
        | _one_hot(ETHNICITIES, a.ethnicity, _DEMO_ETH)
        | _one_hot(EDUCATIONS, a.education, _DEMO_EDU)
        | _one_hot(OCCUPATIONS, a.occupation, _DEMO_OCC)
    )


@dataclass
class Encoded:
    """One side of the pool as column vectors (one entry per person)."""

    ids: np.ndarray
    demo: np.ndarray  # uint16, one-hot sex/ethnicity/education/occupation
    age: np.ndarray  # uint16, shifted by _AGE_OFFSET
    age_near: np.ndarray  # uint16, age + 10: (age_near - other) mod 2**16 <= 20 means close
    age_low: np.ndarray  # uint16, the youngest accepted (shifted), 0 when no limit
    age_span: np.ndarray  # uint16, oldest - youngest accepted
    trait: np.ndarray  # uint32
    refuse: np.ndarray  # uint32
    lang: np.ndarray  # uint16
    lang_required: np.ndarray  # bool
    x: np.ndarray  # float32 km, NaN when unknown
    y: np.ndarray
    max_d2: np.ndarray  # float32, squared km, inf when no limit
    activities: np.ndarray  # uint8
    slots: np.ndarray  # uint8
    needs_factor: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    slots_factor: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    experience: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    capacity: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.ids)


def encode(people: Sequence[Answers], side: str, weights: Weights) -> Encoded:
    """Answers to column vectors. `side` is "peer" or "supporter". O(n), once per pool."""
    if side not in ("peer", "supporter"):
        raise ValueError(side)
    n = len(people)
    u32 = np.uint32
    enc = Encoded(
        ids=np.fromiter((a.id for a in people), np.int64, n),
        demo=np.fromiter((_demographics(a) for a in people), np.uint16, n),
        age=np.fromiter((_age_u16(a, side) for a in people), np.uint16, n),
        age_near=np.fromiter(
            (_age_u16(a, side) + AGE_SIMILARITY_YEARS for a in people), np.uint16, n
        ),
        age_low=np.fromiter((_age_range_u16(a)[0] for a in people), np.uint16, n),
        age_span=np.fromiter((_age_range_u16(a)[1] for a in people), np.uint16, n),
        trait=np.fromiter((_trait(a, side) for a in people), u32, n),
        refuse=np.fromiter((_refusal(a, side) for a in people), u32, n),
        lang=np.fromiter((_bits(LANGUAGES, a.languages) for a in people), np.uint16, n),
        lang_required=np.fromiter((a.shared_language_required for a in people), bool, n),
        x=np.fromiter((np.nan if a.x_km is None else a.x_km for a in people), np.float32, n),
        y=np.fromiter((np.nan if a.y_km is None else a.y_km for a in people), np.float32, n),
        max_d2=np.fromiter(
            (
                np.inf if a.max_distance_km is None else np.float32(a.max_distance_km) ** 2
                for a in people
            ),
            np.float32,
            n,
        ),
        activities=np.fromiter((_bits(ACTIVITIES, a.activities) for a in people), np.uint8, n),
        slots=np.fromiter((_bits(SLOTS, a.availability) for a in people), np.uint8, n),
    )
    if side == "peer":
        enc.needs_factor = np.fromiter(
            (_share_factor(weights.needs, a.activities, ACTIVITIES) for a in people),
            np.float32,
            n,
        )
        enc.slots_factor = np.fromiter(
            (_share_factor(weights.availability, a.availability, SLOTS) for a in people),
            np.float32,
            n,
        )
    else:
        enc.experience = np.fromiter(
            (_experience_points(weights, a) for a in people), np.float32, n
        )
        enc.capacity = np.fromiter((max(0, a.capacity) for a in people), np.int64, n)
    return enc


def _share_factor(weight: float, values: frozenset[str], codes: Sequence[str]) -> float:
    known = len([v for v in values if v in codes])
    return weight / known if known else 0.0


def _experience_points(weights: Weights, a: Answers) -> float:
    years = min(max(a.years_with_t2d, 0), EXPERIENCE_YEARS_CAP) / EXPERIENCE_YEARS_CAP
    return weights.experience * (years + (1.0 if a.support_work_experience else 0.0)) / 2


# --- the matrix ----------------------------------------------------------------------------------

BLOCK_ELEMENTS = 1 << 14  # pairs per row block: the temporaries (~25 bytes a pair) stay in L2
# Pairs worth a thread of their own (a few milliseconds of scoring): fewer and the thread costs
# more than it saves.
PAIRS_PER_THREAD = 1 << 18


def _threads(n: int, m: int, rows: int, workers: int | None) -> int:
    """Threads for an n x m matrix in blocks of `rows` rows: one per PAIRS_PER_THREAD pairs, at
    most one per CPU (or `workers`) and one per block."""
    most = (os.cpu_count() or 1) if workers is None else max(1, workers)
    return max(1, min(most, n * m // PAIRS_PER_THREAD, n // rows))


def score_matrix(
    peers: Encoded,
    supporters: Encoded,
    weights: Weights,
    *,
    out: np.ndarray | None = None,
    block_elements: int = BLOCK_ELEMENTS,
    progress: Callable[[int, int], object] | None = None,
    workers: int | None = None,
) -> np.ndarray:
    """Scores of every peer (row) x supporter (column) pair, float32; `EXCLUDED` where a hard
    constraint removes the pair. `progress(done_rows, total_rows)` is called between blocks,
    always from the calling thread.

    Large pools are split into bands of rows scored in parallel threads (NumPy releases the GIL
    inside its loops), as many as `_threads` gives (`workers`, if given, caps them instead of
    the CPU count); each band has its own buffers and writes its own rows.
    """
    n, m = len(peers), len(supporters)
    if out is None:
        out = np.empty((n, m), dtype=np.float32)
    if n == 0 or m == 0:
        return out
    rows = max(1, min(n, block_elements // m))
    workers = _threads(n, m, rows, workers)
    if workers == 1:
        _score_rows(peers, supporters, weights, out, 0, n, rows, _report(progress, n))
        return out
    bounds = np.linspace(0, n, workers + 1).astype(int)
    done = [0] * workers

    def band(k: int) -> None:
        def tick(r1: int) -> None:
            done[k] = r1 - bounds[k]

        _score_rows(peers, supporters, weights, out, bounds[k], bounds[k + 1], rows, tick)

    with ThreadPoolExecutor(max_workers=workers - 1) as pool:
        futures = [pool.submit(band, k) for k in range(1, workers)]

        def main_tick(r1: int) -> None:
            done[0] = r1
            if progress is not None:
                progress(sum(done), n)

        _score_rows(peers, supporters, weights, out, 0, bounds[1], rows, main_tick)
        for future in futures:
            future.result()
    if progress is not None:
        progress(n, n)
    return out


def _report(
    progress: Callable[[int, int], object] | None, n: int
) -> Callable[[int], object] | None:
    if progress is None:
        return None
    return lambda r1: progress(r1, n)


def _score_rows(
    peers: Encoded,
    supporters: Encoded,
    weights: Weights,
    out: np.ndarray,
    start: int,
    stop: int,
    rows: int,
    tick: Callable[[int], object] | None,
) -> None:
    """Score rows start..stop in blocks of `rows`; `tick(done_up_to_row)` after each block."""
    m = len(supporters)
    shape = (rows, m)
    u32a = np.empty(shape, np.uint32)
    u32b = np.empty(shape, np.uint32)
    u16 = np.empty(shape, np.uint16)
    u8a = np.empty(shape, np.uint8)
    u8 = np.empty(shape, np.uint8)
    f32a = np.empty(shape, np.float32)
    f32b = np.empty(shape, np.float32)
    common = np.empty(shape, bool)
    excl = np.empty(shape, bool)
    tmp = np.empty(shape, bool)

    s = supporters
    s_demo, s_age = s.demo[None, :], s.age[None, :]
    s_alow, s_aspan = s.age_low[None, :], s.age_span[None, :]
    s_trait, s_refuse = s.trait[None, :], s.refuse[None, :]
    s_lang, s_lreq = s.lang[None, :], s.lang_required[None, :]
    s_x, s_y, s_d2 = s.x[None, :], s.y[None, :], s.max_d2[None, :]
    s_act, s_slots, s_exp = s.activities[None, :], s.slots[None, :], s.experience[None, :]
    w_sim = np.float32(weights.similarity)
    w_lang = np.float32(weights.language)
    w_dist = np.float32(weights.distance)
    w_dist_km = np.float32(-weights.distance / DISTANCE_SCALE_KM)

    for r0 in range(start, stop, rows):
        r1 = min(stop, r0 + rows)
        b = r1 - r0
        A, B, U16, A8, U8 = u32a[:b], u32b[:b], u16[:b], u8a[:b], u8[:b]
        F, G, C, X, T = f32a[:b], f32b[:b], common[:b], excl[:b], tmp[:b]
        score = out[r0:r1]
        p = slice(r0, r1)

        # Similarity: equal sex, ethnicity, education, occupation (one AND, one popcount) + age.
        np.bitwise_and(peers.demo[p, None], s_demo, out=U16)
        np.bitwise_count(U16, out=U8)
        np.subtract(peers.age_near[p, None], s_age, out=U16)
        np.less_equal(U16, 2 * AGE_SIMILARITY_YEARS, out=T)
        np.add(U8, T, out=U8)
        np.multiply(U8, w_sim, out=score)

        # Language: a shared language scores; a side that requires one excludes the others.
        np.bitwise_and(peers.lang[p, None], s_lang, out=U16)
        np.not_equal(U16, 0, out=C)
        np.add(score, w_lang, out=score, where=C)
        np.logical_or(peers.lang_required[p, None], s_lreq, out=X)
        np.greater(X, C, out=X)

        # Sex, ethnicity, smoking, pets, vulnerability: a refused trait, in both directions.
        np.bitwise_and(peers.refuse[p, None], s_trait, out=A)
        np.bitwise_and(peers.trait[p, None], s_refuse, out=B)
        np.bitwise_or(A, B, out=A)
        np.not_equal(A, 0, out=T)
        np.logical_or(X, T, out=X)

        # Age ranges, in both directions (wrapping uint16: below low wraps above the span).
        np.subtract(s_age, peers.age_low[p, None], out=U16)
        np.greater(U16, peers.age_span[p, None], out=T)
        np.logical_or(X, T, out=X)
        np.subtract(peers.age[p, None], s_alow, out=U16)
        np.greater(U16, s_aspan, out=T)
        np.logical_or(X, T, out=X)

        # Distance: squared, so the limit needs no square root; unknown (NaN) never excludes.
        np.subtract(peers.x[p, None], s_x, out=F)
        np.square(F, out=F)
        np.subtract(peers.y[p, None], s_y, out=G)
        np.square(G, out=G)
        np.add(F, G, out=F)
        np.minimum(peers.max_d2[p, None], s_d2, out=G)
        np.greater(F, G, out=T)
        np.logical_or(X, T, out=X)
        np.sqrt(F, out=F)
        np.multiply(F, w_dist_km, out=F)
        np.add(F, w_dist, out=F)
        np.fmax(F, 0, out=F)  # fmax also turns an unknown distance (NaN) into 0 points
        np.add(score, F, out=score)

        # Needs against offers, and shared time slots: shares of the peer's answers.
        np.bitwise_and(peers.activities[p, None], s_act, out=A8)
        np.bitwise_count(A8, out=U8)
        np.multiply(U8, peers.needs_factor[p, None], out=F)
        np.add(score, F, out=score)
        np.bitwise_and(peers.slots[p, None], s_slots, out=A8)
        np.bitwise_count(A8, out=U8)
        np.multiply(U8, peers.slots_factor[p, None], out=F)
        np.add(score, F, out=score)

        # Lived experience: the supporter's alone.
        np.add(score, s_exp, out=score)

        np.copyto(score, EXCLUDED, where=X)
        if tick is not None:
            tick(r1)


# --- one pair, in plain Python -------------------------------------------------------------------


@dataclass
class PairScore:
    """One pair's score: points per criterion, or the constraints that exclude it."""

    points: dict[str, float]
    similarities: int
    exclusions: list[tuple[str, str]]  # (constraint, "peer" | "supporter")

    @property
    def excluded(self) -> bool:
        return bool(self.exclusions)

    @property
    def total(self) -> float | None:
        return None if self.exclusions else sum(self.points.values())


def _similar(a: str, b: str) -> bool:
    return bool(a) and a == b


def similarity_details(peer: Answers, supporter: Answers) -> list[str]:
    """Which sociodemographic answers the two share."""
    shared = [
        name
        for name, a, b in (
            ("sex", peer.sex if peer.sex in SEXES else "", supporter.sex),
            (
                "ethnicity",
                peer.ethnicity if peer.ethnicity in ETHNICITIES else "",
                supporter.ethnicity,
            ),
            (
                "education",
                peer.education if peer.education in EDUCATIONS else "",
                supporter.education,
            ),
            (
                "occupation",
                peer.occupation if peer.occupation in OCCUPATIONS else "",
                supporter.occupation,
            ),
        )
        if _similar(a, b)
    ]
    if (
        peer.age is not None
        and supporter.age is not None
        and abs(peer.age - supporter.age) <= AGE_SIMILARITY_YEARS
    ):
        shared.append("age")
    return shared


def distance_km(peer: Answers, supporter: Answers) -> float | None:
    if peer.x_km is None or peer.y_km is None or supporter.x_km is None or supporter.y_km is None:
        return None
    return math.hypot(peer.x_km - supporter.x_km, peer.y_km - supporter.y_km)


def _sq_distance(peer: Answers, supporter: Answers) -> float | None:
    if peer.x_km is None or peer.y_km is None or supporter.x_km is None or supporter.y_km is None:
        return None
    return (peer.x_km - supporter.x_km) ** 2 + (peer.y_km - supporter.y_km) ** 2


def _age_outside(age: int, low: int | None, high: int | None) -> bool:
    return (low is not None and age < low) or (high is not None and age > high)


def pair_exclusions(peer: Answers, supporter: Answers) -> list[tuple[str, str]]:
    """The hard constraints that exclude the pair, as (constraint, "peer" | "supporter": whose
    requirement); empty when the pair is allowed. The same rules as `score_matrix`, one pair at
    a time: `score_pair` and the explanation of a peer left without a supporter
    (matching.unmatched) use it."""
    exclusions: list[tuple[str, str]] = []
    for side, me, other in (("peer", peer, supporter), ("supporter", supporter, peer)):
        if me.sex_required and other.sex != me.sex_required:
            exclusions.append(("sex", side))
        other_side = "supporter" if side == "peer" else "peer"
        other_age = _NO_AGE[other_side] if other.age is None else other.age
        if _age_outside(other_age, me.age_min, me.age_max):
            exclusions.append(("age", side))
        if me.same_ethnicity_required and (
            me.ethnicity not in ETHNICITIES or other.ethnicity != me.ethnicity
        ):
            exclusions.append(("ethnicity", side))
    common_language = bool(set(peer.languages) & set(supporter.languages) & set(LANGUAGES))
    for side, me, other in (("peer", peer, supporter), ("supporter", supporter, peer)):
        if me.shared_language_required and not common_language:
            exclusions.append(("language", side))
        if me.non_smoker_required and other.smokes:
            exclusions.append(("smoking", side))
        if me.pet_allergy and other.has_pets:
            exclusions.append(("pets", side))
    d2 = _sq_distance(peer, supporter)
    if d2 is not None:
        for side, me in (("peer", peer), ("supporter", supporter)):
            if me.max_distance_km is not None and d2 > float(np.float32(me.max_distance_km)) ** 2:
                exclusions.append(("distance", side))
    if set(peer.vulnerabilities) & set(supporter.vulnerabilities) & set(VULNERABILITIES):
        exclusions.append(("vulnerability", "supporter"))
    return exclusions


def score_pair(peer: Answers, supporter: Answers, weights: Weights) -> PairScore:
    """One pair, criterion by criterion, with the same rules as `score_matrix`."""
    exclusions = pair_exclusions(peer, supporter)
    common_language = bool(set(peer.languages) & set(supporter.languages) & set(LANGUAGES))
    d2 = _sq_distance(peer, supporter)
    similarities = len(similarity_details(peer, supporter))
    needs = [a for a in peer.activities if a in ACTIVITIES]
    met = [a for a in needs if a in supporter.activities]
    slots = [s for s in peer.availability if s in SLOTS]
    shared_slots = [s for s in slots if s in supporter.availability]
    points = {
        "similarity": weights.similarity * similarities,
        "language": weights.language if common_language else 0.0,
        "distance": (
            max(0.0, weights.distance - math.sqrt(d2) * weights.distance / DISTANCE_SCALE_KM)
            if d2 is not None
            else 0.0
        ),
        "needs": len(met) * weights.needs / len(needs) if needs else 0.0,
        "availability": (len(shared_slots) * weights.availability / len(slots) if slots else 0.0),
        "experience": _experience_points(weights, supporter),
    }
    return PairScore(points=points, similarities=similarities, exclusions=exclusions)


def unlocated_sides(peer: Answers, supporter: Answers) -> list[str]:
    """The sides ("peer", "supporter") whose location is unknown: their distance cannot be
    computed, so it scores nothing and neither side's maximum distance can exclude the pair."""
    return [
        side
        for side, a in (("peer", peer), ("supporter", supporter))
        if a.x_km is None or a.y_km is None
    ]


def explain(peer: Answers, supporter: Answers, weights: Weights) -> dict:
    """A pair's score as stored with proposals and pairs: JSON, evaluation data.

    {"total": float | None, "similarities": int, "shared": [...], "points": {criterion: float},
     "exclusions": [[constraint, side], ...], "distance_km": float | None,
     "location_unknown": [side, ...], "distance_limits_unchecked": [[side, km], ...],
     "needs_met": [...], "needs_unmet": [...], "shared_slots": [...], "shared_languages": [...]}

    `distance_km` is None when a location is unknown ("distance not checked"):
    `location_unknown` says whose, and `distance_limits_unchecked` the maximum distances that
    could not be applied (explanations stored before these two keys lack them).
    """
    result = score_pair(peer, supporter, weights)
    distance = distance_km(peer, supporter)
    unlocated = unlocated_sides(peer, supporter)
    return {
        "total": None if result.total is None else round(result.total, 3),
        "similarities": result.similarities,
        "shared": similarity_details(peer, supporter),
        "points": {k: round(v, 3) for k, v in result.points.items()},
        "exclusions": [list(e) for e in result.exclusions],
        "distance_km": None if distance is None else round(distance, 1),
        "location_unknown": unlocated,
        "distance_limits_unchecked": [
            [side, a.max_distance_km]
            for side, a in (("peer", peer), ("supporter", supporter))
            if unlocated and a.max_distance_km is not None
        ],
        "needs_met": sorted(a for a in peer.activities if a in supporter.activities),
        "needs_unmet": sorted(a for a in peer.activities if a not in supporter.activities),
        "shared_slots": sorted(set(peer.availability) & set(supporter.availability)),
        "shared_languages": sorted(set(peer.languages) & set(supporter.languages)),
    }
