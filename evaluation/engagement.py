"""What the evaluation reads from the logbooks app: meetings held and logbook texts per pair.

Kept in one module so the reports do not depend on the logbook app's internals. Each function
takes a list of pair ids and runs one query."""

from __future__ import annotations

LOGBOOK_TEXT_FIELDS: tuple[str, ...] = ()


def meetings_held(pair_ids: list[int]) -> dict[int, int]:
    """{pair id: number of meetings held}; pairs without data are left out."""
    return {}


def logbook_words(pair_ids: list[int]) -> dict[int, int]:
    """{pair id: words written in the pair's submitted logbooks}."""
    return {}


def logbook_texts(pair_ids: list[int]) -> list[dict]:
    """[{id, pair_id, date, text}] of the submitted logbooks, for the REFI-QDA export."""
    return []
