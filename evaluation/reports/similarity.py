"""Engagement against similarity: how many sociodemographic traits a case's peer and supporter
share, against the meetings held and the logbooks' words."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Subquery

from logbooks.models import Meeting, MeetingStatus

from .. import engagement
from ..pseudonyms import case_pseudonym
from .cases import cases_for

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
    """Per case: similarities, meetings held, logbook words, mechanism items. Four queries."""
    cases = cases_for(user)
    rows = list(
        cases.annotate(mechanism_items=Count("mechanisms", distinct=True)).values(
            "id",
            "started_on",
            "ended_on",
            "mechanism_items",
            "similarities",
            "peer__sex",
            "peer__date_of_birth",
            "peer__evaluation_background__origin",
            "peer__evaluation_background__education",
            "peer__evaluation_background__employment",
            "supporter__sex",
            "supporter__date_of_birth",
            "supporter__evaluation_background__origin",
            "supporter__evaluation_background__education",
            "supporter__evaluation_background__employment",
        )
    )
    ids = [row["id"] for row in rows]
    meetings = engagement.meetings_held(ids)
    words = engagement.logbook_words(ids)
    result = []
    for row in rows:

        def side(prefix: str, row: Mapping[str, Any] = row) -> dict[str, Any]:
            born = row[f"{prefix}__date_of_birth"]
            return {
                "sex": row[f"{prefix}__sex"],
                "born": born.year if born else None,
                "origin": row[f"{prefix}__evaluation_background__origin"],
                "education": row[f"{prefix}__evaluation_background__education"],
                "employment": row[f"{prefix}__evaluation_background__employment"],
            }

        held = meetings.get(row["id"])
        months = _months(row["started_on"], row["ended_on"])
        result.append(
            {
                "id": row["id"],
                "case": case_pseudonym(row["id"]),
                # The matching's count from the match surveys when it has one; else computed.
                "similarities": (
                    row["similarities"]
                    if row["similarities"] is not None
                    else similarities(side("peer"), side("supporter"))
                ),
                "meetings": held,
                "meetings_per_month": (
                    round(held / months, 1) if held is not None and months else None
                ),
                "logbook_words": words.get(row["id"]),
                "mechanism_items": row["mechanism_items"],
            }
        )
    return result


def engagement_summary(user: Reader, *, lowest: int = 5) -> dict[str, Any]:
    """For the dashboard: cases with held meetings, the mean held and per month, and the cases
    meeting least often. One query (the held meetings counted in SQL per case)."""
    held = (
        Meeting.objects.filter(pair=OuterRef("pk"), status=MeetingStatus.HELD)
        .order_by()
        .values("pair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in cases_for(user)
        .annotate(held=Subquery(held, output_field=IntegerField()))
        .filter(held__gt=0)
        .values("id", "started_on", "ended_on", "held")
    ]
    for row in rows:
        row["meetings"] = row.pop("held")
        months = _months(row["started_on"], row["ended_on"])
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
