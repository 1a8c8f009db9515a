"""What the apps above programme add to its pages and reactions, registered in their
`AppConfig.ready()` (ADR 0007), so programme never imports them.

- withdrawal reactions: a withdrawal ends the participant's open pairs (logbooks registers
  `pairs_end_for_withdrawal`); each reaction returns how many pairs it ended;
- timeline sources: the participant page's timeline lists their pairs (logbooks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .models import Participant


class WithdrawalReaction(Protocol):
    def __call__(self, *, participant: Participant, reason: str, by: Any) -> int: ...


TimelineSource = Callable[["Participant"], Iterable[Any]]

_withdrawal_reactions: list[WithdrawalReaction] = []
_timeline_sources: list[TimelineSource] = []


def register_withdrawal_reaction(reaction: WithdrawalReaction) -> None:
    """Run `reaction` inside every withdrawal's transaction, before the participant's status is
    refreshed."""
    if reaction not in _withdrawal_reactions:
        _withdrawal_reactions.append(reaction)


def withdrawal_reactions_run(*, participant: Participant, reason: str, by: Any) -> int:
    """Run every registered reaction; returns the pairs they ended."""
    return sum(
        reaction(participant=participant, reason=reason, by=by)
        for reaction in _withdrawal_reactions
    )


def register_timeline_source(source: TimelineSource) -> None:
    """`source(participant)` yields `programme.queries.Event`s for the participant's page (one
    query)."""
    if source not in _timeline_sources:
        _timeline_sources.append(source)


def timeline_sources() -> list[TimelineSource]:
    return list(_timeline_sources)
