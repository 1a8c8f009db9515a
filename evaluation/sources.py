"""A logbook as a source document: the one text the evaluator codes and the exports hold.

The text is composed of the logbook's written answers (engagement.LOGBOOK_TEXT_FIELDS), each
answered question as its label on a line of its own, then the answer, the questions apart by a
blank line; unanswered questions are left out. The labels are in Danish, the language the
supporters write their answers in, and written here rather than taken from the model's
translated verbose names: the text is then the same whatever the reader's language and however a
question is reworded on the form or in a translation, so a coded meaning unit's positions never
move. The coding page, the case page, the CSV's logbooks table and the .qdpx's logbook sources
all show this text (through the Redactor, as every evaluation text).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Never reword one of these once logbooks are coded: the coded positions point past them.
LOGBOOK_SOURCE_LANGUAGE = "da"
LOGBOOK_SOURCE_LABELS: dict[str, str] = {
    "activities": "1. Hvad lavede I sammen?",
    "place": "2. Hvor mødtes I?",
    "relationship": "5. Hvordan går jeres relation?",
    "improvements": "6. Har du set forbedringer hos din deltager?",
    "reflections": "7. Dine egne refleksioner efter mødet",
    "challenges": "8. Mødte du en udfordring?",
    "support_with": "10. Hvad har du brug for støtte til?",
}
LOGBOOK_TEXT_FIELDS: tuple[str, ...] = tuple(LOGBOOK_SOURCE_LABELS)


def logbook_source_text(answers: Mapping[str, Any]) -> str:
    """The source document of a logbook from its answers (a Logbook's fields or a values()
    row)."""
    return "\n\n".join(
        f"{label}\n{answers[name]}"
        for name, label in LOGBOOK_SOURCE_LABELS.items()
        if answers.get(name)
    )


def logbook_answers(logbook) -> dict[str, Any]:
    """The written answers of a Logbook, as logbook_source_text reads them."""
    return {name: getattr(logbook, name) for name in LOGBOOK_TEXT_FIELDS}


def source_text(source) -> str:
    """The stored text a meaning unit's positions point into: an interview's transcript (or
    notes), an observation's field notes, a logbook's source document."""
    from logbooks.models import Logbook

    if isinstance(source, Logbook):
        return logbook_source_text(logbook_answers(source))
    return str(source.text)


def coded_logbook_lock(logbook) -> tuple[str, ...]:
    """The written answers of `logbook` once a meaning unit is coded in it (all of them: an
    answer added to an unanswered question would move the positions after it too), as an
    interview's transcript is locked once coded (views.qualitative.interview_edit)."""
    from .models import MeaningUnit

    return LOGBOOK_TEXT_FIELDS if MeaningUnit.objects.filter(logbook=logbook).exists() else ()
