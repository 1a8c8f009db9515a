"""Load a site's matching pool from the database in a constant number of queries.

The pool: eligible peers (screened eligible, programme consent, not withdrawn: programme's
`eligible_peers()`) with a match survey and no open or completed pair, and eligible supporters
(trained, consented, not withdrawn: `eligible_supporters()`) with a match survey and a free
place (their survey's capacity minus their open pairs). Peers whose pair ended early are back
in the pool; the earlier pairing, refusals and the manager's forbidden pairs
are excluded, and locked pairs are kept. Pairs are read through `matching.occupancy`, which
logbooks (where pairs live) fills.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from programme.models import Background, Participant, background_of

from . import geo, scoring
from .models import MatchRule, MatchSurvey, MatchWeights, RuleKind
from .occupancy import occupancy


def eligible_peers():
    return Participant.objects.eligible_peers()


def eligible_supporters():
    return Participant.objects.eligible_supporters()


def waiting_peers():
    """Peers waiting for a supporter: eligible, with no open or completed pair, with or without
    a match survey. The dashboard counts them; a run proposes pairs for those with a survey in
    the pool and says why it left each of the others without a supporter."""
    holding = occupancy().holding_peer(OuterRef("pk"))
    return eligible_peers().filter(~Exists(holding))


def without_survey(peers):
    return peers.filter(
        ~Exists(MatchSurvey.objects.filter(participant=OuterRef("pk"), is_current=True))
    )


def _open_pairs():
    """Annotation: how many open pairs hold the supporter."""
    return Coalesce(
        Subquery(
            occupancy()
            .open_for_supporter(OuterRef("pk"))
            .order_by()
            .values("supporter_id")
            .annotate(taken=Count("pk"))
            .values("taken")
        ),
        0,
    )


def without_location(site_id: int):
    """The site's pool members whose location is unknown (`MatchSurvey.without_location`):
    peers waiting for a supporter and supporters with a free place, each with a current survey
    that gives neither coordinates nor a postcode the table knows. Their distances are not
    checked, so the board lists them for the manager. `survey_postcode` is the postcode their
    survey gives (empty: the participant record's applies); peers first, then by name."""
    # Unordered: the surveys' default order would join the participant to sort one row.
    current = MatchSurvey.objects.filter(participant=OuterRef("pk"), is_current=True).order_by()
    free_supporters = (
        eligible_supporters()
        .filter(site_id=site_id)
        .annotate(open_pairs=_open_pairs(), capacity=Subquery(current.values("capacity")[:1]))
        .filter(capacity__gt=F("open_pairs"))
    )
    peers = waiting_peers().filter(site_id=site_id)
    return (
        Participant.objects.filter(
            Q(pk__in=peers.values("pk")) | Q(pk__in=free_supporters.values("pk"))
        )
        .filter(Exists(current.without_location()))
        .annotate(survey_postcode=Subquery(current.values("postcode")[:1]))
        .order_by("kind", "last_name", "first_name", "pk")
    )


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def answers_for(
    participant: Participant,
    survey: MatchSurvey,
    today: dt.date,
    *,
    background: Background | None = None,
    **extra,
):
    """The scorer's view of one participant's current survey and background. The scorer keeps
    its own names for the background's codes (ethnicity for origin, occupation for employment):
    they are the keys of the explanations stored with earlier proposals. `background` when the
    caller has read it (else the participant's, joined or read)."""
    background = background_of(participant) if background is None else background
    x, y = geo.location_km(
        survey.postcode or participant.postcode, survey.latitude, survey.longitude
    )
    values = dict(
        id=participant.pk,
        age=age_on(participant.date_of_birth, today),
        sex=participant.sex,
        ethnicity=background.origin,
        education=background.education,
        occupation=background.employment,
        languages=frozenset(survey.languages or ()),
        x_km=x,
        y_km=y,
        activities=frozenset(survey.activities or ()),
        years_with_t2d=survey.years_with_t2d,
        support_work_experience=background.support_work_experience,
        availability=frozenset(survey.availability or ()),
        capacity=survey.capacity,
        smokes=survey.smokes,
        has_pets=survey.has_pets,
        age_min=survey.age_min,
        age_max=survey.age_max,
        sex_required=survey.sex_required,
        same_ethnicity_required=survey.same_ethnicity_required,
        shared_language_required=survey.shared_language_required,
        non_smoker_required=survey.non_smoker_required,
        pet_allergy=survey.pet_allergy,
        max_distance_km=None if survey.max_distance_km is None else float(survey.max_distance_km),
        vulnerabilities=frozenset(survey.vulnerabilities or ()),
    )
    values.update(extra)
    return scoring.Answers(**values)


def _with_survey(queryset):
    return (
        queryset.filter(
            Exists(MatchSurvey.objects.filter(participant=OuterRef("pk"), is_current=True))
        )
        .select_related("background")  # joined: the pool's query count stays constant
        .prefetch_related(
            Prefetch(
                "match_surveys",
                queryset=MatchSurvey.objects.filter(is_current=True),
                to_attr="current_surveys",
            )
        )
    )


@dataclass
class Exclusion:
    source: str  # RuleSource value, or "previous_pair"
    reason: str = ""


@dataclass
class Pool:
    site_id: int
    weights: scoring.Weights
    peers: list[Participant]
    supporters: list[Participant]
    peer_answers: list[scoring.Answers]
    supporter_answers: list[scoring.Answers]
    forbidden: dict[tuple[int, int], Exclusion] = field(default_factory=dict)
    locked: dict[int, int] = field(default_factory=dict)  # peer id -> supporter id

    @property
    def peer_index(self) -> dict[int, int]:
        return {p.pk: i for i, p in enumerate(self.peers)}

    @property
    def supporter_index(self) -> dict[int, int]:
        return {s.pk: j for j, s in enumerate(self.supporters)}

    def encode(self):
        return (
            scoring.encode(self.peer_answers, "peer", self.weights),
            scoring.encode(self.supporter_answers, "supporter", self.weights),
        )

    def scores(self, progress=None) -> np.ndarray:
        """The score matrix with the forbidden pairs excluded."""
        peers, supporters = self.encode()
        matrix = scoring.score_matrix(peers, supporters, self.weights, progress=progress)
        self.apply_forbidden(matrix)
        return matrix

    def apply_forbidden(self, matrix: np.ndarray, rows: dict[int, int] | None = None) -> None:
        rows = self.peer_index if rows is None else rows
        cols = self.supporter_index
        for peer_id, supporter_id in self.forbidden:
            i, j = rows.get(peer_id), cols.get(supporter_id)
            if i is not None and j is not None:
                matrix[i, j] = scoring.EXCLUDED

    def locked_indices(self) -> list[tuple[int, int]]:
        rows, cols = self.peer_index, self.supporter_index
        return [(rows[p], cols[s]) for p, s in self.locked.items() if p in rows and s in cols]

    def capacities(self) -> list[int]:
        return [a.capacity for a in self.supporter_answers]


def load_pool(site_id: int, *, today: dt.date | None = None, peer_ids=None) -> Pool:
    """The site's pool (see the module docstring). `peer_ids` limits the peers (a candidate
    page needs one). Seven queries whatever the pool's size."""
    today = today or timezone.localdate()
    peers_qs = _with_survey(waiting_peers().filter(site_id=site_id)).order_by("pk")
    if peer_ids is not None:
        peers_qs = peers_qs.filter(pk__in=peer_ids)
    supporters_qs = (
        _with_survey(eligible_supporters().filter(site_id=site_id))
        .annotate(open_pairs=_open_pairs())
        .order_by("pk")
    )
    peers = list(peers_qs)
    supporters = []
    supporter_answers = []
    for s in supporters_qs:
        survey = s.current_surveys[0]
        free = survey.capacity - s.open_pairs
        if free > 0:
            supporters.append(s)
            supporter_answers.append(answers_for(s, survey, today, capacity=free))
    peer_answers = [answers_for(p, p.current_surveys[0], today) for p in peers]

    pool = Pool(
        site_id=site_id,
        weights=MatchWeights.for_site(site_id),
        peers=peers,
        supporters=supporters,
        peer_answers=peer_answers,
        supporter_answers=supporter_answers,
    )
    peer_ids_in_pool = [p.pk for p in peers]
    for rule in MatchRule.objects.filter(site_id=site_id, peer_id__in=peer_ids_in_pool):
        if rule.kind == RuleKind.FORBID:
            pool.forbidden[(rule.peer_id, rule.supporter_id)] = Exclusion(rule.source, rule.reason)
        else:
            pool.locked[rule.peer_id] = rule.supporter_id
    for earlier in occupancy().excluded_pairings(peer_ids_in_pool):
        pool.forbidden.setdefault(
            (earlier["peer_id"], earlier["supporter_id"]),
            Exclusion("previous_pair", earlier["reason"]),
        )
    # A lock on a forbidden pair or on a supporter outside the pool is void.
    supporter_ids = {s.pk for s in supporters}
    pool.locked = {
        p: s for p, s in pool.locked.items() if s in supporter_ids and (p, s) not in pool.forbidden
    }
    return pool
