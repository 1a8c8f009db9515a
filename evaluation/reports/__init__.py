"""The evaluation's reports, computed from the data. Each function runs a fixed number of queries
whatever the number of cases, and returns pseudonymised rows only (no names, no contact details,
no dates of birth).

One module per report: cases (which pairs are cases: one per peer's course), sample (Table 2),
outcomes, icamo (Table 3), prepost and prepost_stats, similarity (engagement against
similarity), mechanisms (the logbooks' items per round and against engagement) and funnel.
Callers import them from here (`from evaluation import reports`)."""

from .cases import STARTED, case_pairs, cases_for
from .funnel import recruitment_funnel
from .icamo import icamo_matrix, mechanism_outcome_crosstab
from .mechanisms import cases_with_items, engagement_correlations, mechanisms_by_round
from .outcomes import outcome_pattern_queryset, outcome_pattern_rows, outcome_summary
from .prepost import pre_post, visit_changes
from .prepost_stats import paired_measures
from .sample import sample_table
from .similarity import (
    SIMILARITY_FIELDS,
    engagement_by_similarity,
    engagement_rows,
    engagement_summary,
)

__all__ = [
    "SIMILARITY_FIELDS",
    "STARTED",
    "case_pairs",
    "cases_for",
    "cases_with_items",
    "engagement_correlations",
    "engagement_by_similarity",
    "engagement_rows",
    "engagement_summary",
    "icamo_matrix",
    "mechanism_outcome_crosstab",
    "mechanisms_by_round",
    "outcome_pattern_queryset",
    "outcome_pattern_rows",
    "outcome_summary",
    "paired_measures",
    "pre_post",
    "recruitment_funnel",
    "sample_table",
    "visit_changes",
]
