"""The evaluation's models, split by subject (see each module)."""

from .cases import (
    CaseConfiguration,
    ContextFactor,
    Evidence,
    Mechanism,
    Outcome,
)
from .choices import *  # noqa: F403
from .qualitative import CodeGroup, Interview, MeaningUnit, Observation, Theme
from .theory import ProgrammeTheory, TheoryConfiguration
from .visits import (
    PAID5_ANSWERS,
    PAID5_QUESTIONS,
    WHO5_ANSWERS,
    WHO5_QUESTIONS,
    NurseVisit,
    post_visit_due_on,
    post_visit_is_early,
)

__all__ = [
    "PAID5_ANSWERS",
    "PAID5_QUESTIONS",
    "WHO5_ANSWERS",
    "WHO5_QUESTIONS",
    "CaseConfiguration",
    "CodeGroup",
    "ContextFactor",
    "Evidence",
    "Interview",
    "Mechanism",
    "MeaningUnit",
    "NurseVisit",
    "Observation",
    "Outcome",
    "ProgrammeTheory",
    "TheoryConfiguration",
    "Theme",
    "post_visit_due_on",
    "post_visit_is_early",
]
