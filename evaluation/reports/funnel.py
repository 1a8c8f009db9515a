"""The recruitment funnel of the sites the user evaluates."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from logbooks.models import Pair
from programme.models import Kind, Participant, Status

from .cases import STARTED

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tod.accounts.models import User

    Reader = User | AnonymousUser

FUNNEL_STEPS = [
    ("referred", _("Referred")),
    ("screened", _("Screened")),
    ("eligible", _("Eligible")),
    ("consented", _("Consented")),
    ("matched", _("In a pair that started")),
    ("completed", _("Completed")),
]
AFTER_SCREENING = {
    Status.SCREENED,
    Status.CONSENTED,
    Status.TRAINED,
    Status.ACTIVE,
    Status.COMPLETED,
    Status.WITHDRAWN,
}
CONSENTED = {Status.CONSENTED, Status.TRAINED, Status.ACTIVE, Status.COMPLETED}


def recruitment_funnel(user: Reader) -> list[dict[str, Any]]:
    """Participants of the user's sites at each step, peers and supporters. Two queries.

    Counts only, no persons: every participant counts, whatever their research consents."""
    counts: dict[str, Counter[str]] = {Kind.PEER: Counter(), Kind.SUPPORTER: Counter()}
    for row in Participant.objects.for_user(user).values("kind", "status").annotate(n=Count("id")):
        counts.setdefault(row["kind"], Counter())[row["status"]] += row["n"]
    started = Pair.objects.for_user(user).filter(status__in=STARTED)
    both = started.aggregate(
        peers=Count("peer_id", distinct=True), supporters=Count("supporter_id", distinct=True)
    )
    matched: dict[str, int] = {Kind.PEER: both["peers"], Kind.SUPPORTER: both["supporters"]}

    def step(kind: str, name: str) -> int:
        c = counts[kind]
        total = sum(c.values())
        if name == "referred":
            return total
        if name == "screened":
            return sum(c[s] for s in AFTER_SCREENING) + c[Status.NOT_ELIGIBLE]
        if name == "eligible":
            return sum(c[s] for s in AFTER_SCREENING)
        if name == "consented":
            return sum(c[s] for s in CONSENTED)
        if name == "matched":
            return matched[kind]
        return c[Status.COMPLETED]

    return [
        {
            "step": name,
            "label": label,
            "peers": step(Kind.PEER, name),
            "supporters": step(Kind.SUPPORTER, name),
        }
        for name, label in FUNNEL_STEPS
    ]
