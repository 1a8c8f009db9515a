"""Personal data of the evaluation app (tod/personal_data.py).

Whose is a research record? An interview is its informant's (a peer's interview is the peer's,
a supporter's the supporter's; staff interviews are nobody's here); an excerpt of a logbook is
both the peer's and the supporter's, as the logbook is. Outcomes, nurse visits and
the case's ICAMO records are the peer's: the case is the peer's course through the programme.
Contexts, mechanisms and configurations name whom they concern (subject, actor). Evidence is
the data of what it quotes.
"""

from django.db.models import Q

from tod.personal_data import Subject, holds_none, personal_data

from .models import (
    CaseConfiguration,
    CodeGroup,
    ContextFactor,
    Evidence,
    Interview,
    MeaningUnit,
    Mechanism,
    NurseVisit,
    Observation,
    Outcome,
    ProgrammeTheory,
    Theme,
    TheoryConfiguration,
)


def informant_subjects(prefix: str = "") -> list[Subject]:
    """The interview (at `prefix`) is the data of its informant, when a party of the case (the
    peer, or whichever of the case's supporters was interviewed)."""
    return [Subject(f"{prefix}informant")]


def actor_subjects(field: str) -> list[Subject]:
    """Peer, supporter or both by the row's actor/subject field; anything else is the case's
    (the peer's)."""
    return [
        Subject("pair__peer", when=~Q(**{field: "supporter"})),
        Subject("pair__supporter", when=Q(**{f"{field}__in": ["supporter", "both", "pair"]})),
    ]


personal_data(
    Interview,
    subjects=informant_subjects(),
    free_text=["transcript", "notes"],
    site="site",
)
personal_data(
    MeaningUnit,
    subjects=[
        *informant_subjects("interview__"),
        "logbook__meeting__pair__peer",
        "logbook__meeting__pair__supporter",
    ],
    free_text=["text", "condensed"],
    site="site",
)
personal_data(Observation, free_text=["title", "field_notes"], site="site")
personal_data(
    Outcome, subjects=["pair__peer"], free_text=["behaviours", "description"], site="pair__site"
)
personal_data(
    ContextFactor,
    subjects=actor_subjects("subject"),
    free_text=["description"],
    site="pair__site",
)
personal_data(
    Mechanism, subjects=actor_subjects("actor"), free_text=["description"], site="pair__site"
)
personal_data(
    CaseConfiguration, subjects=actor_subjects("actor"), free_text=["note"], site="pair__site"
)
_unsourced = Q(interview__isnull=True, nurse_visit__isnull=True, logbook__isnull=True)
personal_data(
    Evidence,
    subjects=[
        *informant_subjects("interview__"),
        "nurse_visit__peer",
        "logbook__meeting__pair__peer",
        "logbook__meeting__pair__supporter",
        Subject("outcome__pair__peer", when=_unsourced),
        Subject("case_configuration__pair__peer", when=_unsourced),
    ],
    free_text=["quote"],
    site="site",
)
personal_data(
    NurseVisit,
    subjects=["peer"],
    free_text=[
        "medication",
        "medication_note",
        "complications",
        "other_diagnoses",
        "other_diagnoses_note",
        "self_care_note",
        "early_reason",
        "confirmed_warnings",
    ],
    site="site",
)
personal_data(ProgrammeTheory, free_text=["title", "description"], site="site")
personal_data(
    TheoryConfiguration,
    free_text=["code", "context", "reasonings", "statement"],
    site="theory__site",
)
holds_none(Theme, "the codebook's themes")
holds_none(CodeGroup, "the codebook's code groups")
