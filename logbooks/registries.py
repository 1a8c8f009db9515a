"""What the apps above logbooks tell it, registered in their `AppConfig.ready()` (ADR 0007),
so logbooks never imports them.

- text locks: which of a logbook's answers may no longer change. The evaluation codes a
  logbook's written answers as a source document whose coded positions point into them, so it
  locks them once a meaning unit is coded, as it locks a coded interview's transcript.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Logbook


TextLock = Callable[["Logbook"], Iterable[str]]

_text_locks: list[TextLock] = []


def register_text_lock(lock: TextLock) -> None:
    """`lock(logbook)` names the answers (Logbook field names) that may no longer change."""
    if lock not in _text_locks:
        _text_locks.append(lock)


def locked_answers(logbook: Logbook | None) -> set[str]:
    """The answers of `logbook` that no edit may change (none for a logbook not yet saved)."""
    if logbook is None or logbook.pk is None:
        return set()
    return {name for lock in _text_locks for name in lock(logbook)}
