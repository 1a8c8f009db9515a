"""Pairs, match surveys, the manager's weights and rules, and the matching service's runs and
proposals."""

from .pairs import OPEN_STATUSES, Answer, Pair, PairQuerySet, PairStatus
from .runs import (
    MatchProposal,
    MatchRule,
    MatchRun,
    MatchWeights,
    RuleKind,
    RuleSource,
    RunStatus,
    UnmatchedPeer,
    UnmatchedReason,
)
from .survey import MatchSurvey, MatchSurveyQuerySet

__all__ = [
    "OPEN_STATUSES",
    "Answer",
    "MatchProposal",
    "MatchRule",
    "MatchRun",
    "MatchSurvey",
    "MatchSurveyQuerySet",
    "MatchWeights",
    "Pair",
    "PairQuerySet",
    "PairStatus",
    "RuleKind",
    "RuleSource",
    "RunStatus",
    "UnmatchedPeer",
    "UnmatchedReason",
]
