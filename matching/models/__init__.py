"""Match surveys, the manager's weights and rules, and the matching service's runs and
proposals."""

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
    "MatchProposal",
    "MatchRule",
    "MatchRun",
    "MatchSurvey",
    "MatchSurveyQuerySet",
    "MatchWeights",
    "RuleKind",
    "RuleSource",
    "RunStatus",
    "UnmatchedPeer",
    "UnmatchedReason",
]
