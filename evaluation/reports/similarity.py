"""Engagement against similarity: how many sociodemographic traits a case's peer and supporter
share, against the meetings held and the logbooks' words."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery

from logbooks.models import Meeting, MeetingStatus

from .. import engagement
from ..pseudonyms import case_pseudonym
from .cases import case_pairs, cases_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tod.accounts.models import User

    Reader = User | AnonymousUser

SIMILARITY_FIELDS = ("sex", "age", "origin", "education", "employment")


def similarities(peer: Mapping[str, Any], supporter: Mapping[str, Any]) -> int:
    """The number of sociodemographic characteristics the two share (0-5): sex, age within ten
    years, origin, education and employment, from what the match surveys and backgrounds hold."""
    count = 0
    if peer.get("sex") and peer.get("sex") == supporter.get("sex"):
        count += 1
    if peer.get("born") and supporter.get("born") and abs(peer["born"] - supporter["born"]) <= 10:
        count += 1
    for name in ("origin", "education", "employment"):
        if peer.get(name) and peer.get(name) == supporter.get(name):
            count += 1
    return count


def engagement_rows(user: Reader) -> list[dict[str, Any]]:
    """Per case: similarities, meetings held and logbook words across all its pairs,
    mechanism items. Five queries.

    When a substitute supporter took over, the case's similarities are those of the pair that
    held most of its meetings (the first on a tie): engagement is the case's, similarity is
    between two people."""
    cases = cases_for(user)
    rows = list(
        cases.with_case_course()
        .annotate(mechanism_items=Count("mechanisms", distinct=True))
        .values("id", "started_on", "case_ended_on", "mechanism_items")
    )
    pairs = list(
        case_pairs(cases).values(
            "id",
            "root_pair_id",
            "similarities",
            "peer__sex",
            "peer__date_of_birth",
            "peer__background__origin",
            "peer__background__education",
            "peer__background__employment",
            "supporter__sex",
            "supporter__date_of_birth",
            "supporter__background__origin",
            "supporter__background__education",
            "supporter__background__employment",
        )
    )
    ids = [pair["id"] for pair in pairs]
    meetings = engagement.meetings_held(ids)
    words = engagement.logbook_words(ids)
    pairs_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pair in pairs:
        pairs_of[pair["root_pair_id"] or pair["id"]].append(pair)
    result = []
    for row in rows:
        mine = pairs_of[row["id"]]
        held = sum(meetings.get(pair["id"], 0) for pair in mine) or None
        written = sum(words.get(pair["id"], 0) for pair in mine if pair["id"] in words)
        main = max(enumerate(mine), key=lambda item: (meetings.get(item[1]["id"], 0), -item[0]))[1]
        months = _months(row["started_on"], row["case_ended_on"])
        result.append(
            {
                "id": row["id"],
                "case": case_pseudonym(row["id"]),
                "supporters": len(mine),
                "similarities": _similarities(main),
                "meetings": held,
                "meetings_per_month": (
                    round(held / months, 1) if held is not None and months else None
                ),
                "logbook_words": (written if any(pair["id"] in words for pair in mine) else None),
                "mechanism_items": row["mechanism_items"],
            }
        )
    return result


def _similarities(pair: Mapping[str, Any]) -> int:
    """The matching's count from the match surveys when it has one; else computed."""
    if pair["similarities"] is not None:
        return int(pair["similarities"])

    def side(prefix: str) -> dict[str, Any]:
        born = pair[f"{prefix}__date_of_birth"]
        return {
            "sex": pair[f"{prefix}__sex"],
            "born": born.year if born else None,
            "origin": pair[f"{prefix}__background__origin"],
            "education": pair[f"{prefix}__background__education"],
            "employment": pair[f"{prefix}__background__employment"],
        }

    return similarities(side("peer"), side("supporter"))


def engagement_summary(user: Reader, *, lowest: int = 5) -> dict[str, Any]:
    """For the dashboard: cases with held meetings, the mean held and per month, and the cases
    meeting least often. One query (the held meetings of each case's pairs counted in SQL)."""
    cases = cases_for(user)
    held = (
        Meeting.objects.filter(
            Q(pair=OuterRef("pk")) | Q(pair__root_pair=OuterRef("pk")),
            pair__in=case_pairs(cases),
            status=MeetingStatus.HELD,
        )
        .order_by()
        .values("status")  # one group: the held meetings of the case
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in cases.with_case_course()
        .annotate(held=Subquery(held, output_field=IntegerField()))
        .filter(held__gt=0)
        .values("id", "started_on", "case_ended_on", "held")
    ]
    for row in rows:
        row["meetings"] = row.pop("held")
        months = _months(row["started_on"], row.pop("case_ended_on"))
        row["case"] = case_pseudonym(row["id"])
        row["meetings_per_month"] = round(row["meetings"] / months, 1) if months else None
    per_month = [r["meetings_per_month"] for r in rows if r["meetings_per_month"]]
    return {
        "cases": len(rows),
        "mean": round(sum(r["meetings"] for r in rows) / len(rows), 1) if rows else None,
        "per_month": round(sum(per_month) / len(per_month), 1) if per_month else None,
        "low": sorted(rows, key=lambda r: r["meetings_per_month"] or 0)[:lowest],
    }


def _months(started: dt.date | None, ended: dt.date | None) -> float | None:
    if started is None:
        return None
    from django.utils import timezone

    end = ended or timezone.localdate()
    days = (end - started).days
    return max(days / 30.44, 0.5)


def engagement_by_similarity(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean engagement per number of similarities."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["similarities"]].append(row)
    result = []
    for count in range(len(SIMILARITY_FIELDS) + 1):
        group = grouped.get(count, [])

        def mean(name: str, group: list[dict[str, Any]] = group) -> float | None:
            values = [r[name] for r in group if r[name] is not None]
            return round(sum(values) / len(values), 1) if values else None

        result.append(
            {
                "similarities": count,
                "cases": len(group),
                "meetings": mean("meetings"),
                "logbook_words": mean("logbook_words"),
                "mechanism_items": mean("mechanism_items"),
            }
        )
    return result
