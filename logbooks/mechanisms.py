"""The mechanism items of the logbooks over time: the six 1-5 scales (trust, respect, empathy,
care, honesty, feeling equal) and the supporter's view of their role, per logbook in the order
of the meetings.

The query lives here, beside the Logbook model, so the manager's pair page and the evaluation
(the case page, the per-round report, the export) read the same series; the evaluation imports
it, never the other way round. The small-multiples chart is drawn here for the same reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .models import RELATIONSHIP_SCALES, Logbook, LogbookStatus, RolePerception

# The items in the order the logbook asks them: (item key, the Logbook field).
SCALE_ITEMS: tuple[tuple[str, str], ...] = tuple(
    (name, f"scale_{name}") for name in RELATIONSHIP_SCALES
)
ROLE_ITEM = "role"
# The role view as a position on a line (1-3), from befriender to diabetes support person.
ROLE_POSITIONS = {
    RolePerception.BEFRIENDER: 1,
    RolePerception.BOTH: 2,
    RolePerception.DIABETES_SUPPORT: 3,
}
SUBMITTED = (LogbookStatus.SUBMITTED, LogbookStatus.REVIEWED)


def item_labels() -> dict[str, str]:
    """Every item's label in the active language, the role view last."""
    labels = {name: str(label) for name, label in RELATIONSHIP_SCALES.items()}
    labels[ROLE_ITEM] = gettext("Role view")
    return labels


@dataclass
class MeetingItems:
    """One submitted logbook's mechanism items. `number` counts the case's logbooks in the order
    of the meetings (1 = the first); `plan_number` is the meeting's place in the plan (None for
    an extra meeting)."""

    logbook_id: int
    pair_id: int
    number: int
    plan_number: int | None
    held_on: dt.date | None
    scales: dict[str, int | None]
    role: str

    @property
    def role_position(self) -> int | None:
        return ROLE_POSITIONS.get(self.role)  # type: ignore[call-overload]

    @property
    def role_label(self) -> str:
        return str(RolePerception(self.role).label) if self.role else ""

    @property
    def answered(self) -> bool:
        return bool(self.role) or any(v is not None for v in self.scales.values())

    def number_of(self, item: str) -> int | None:
        """The item as a number: a scale's 1-5, the role view's position 1-3."""
        return self.role_position if item == ROLE_ITEM else self.scales.get(item)

    def values(self) -> Iterator[tuple[str, int | str]]:
        """(item, value) for each answered item: the scales as 1-5, the role view as its code."""
        for name, value in self.scales.items():
            if value is not None:
                yield name, value
        if self.role:
            yield ROLE_ITEM, self.role


def mechanism_series(pair_ids: Iterable[int]) -> list[MeetingItems]:
    """The submitted logbooks of the given pairs (one case's pairs, or many cases), each with its
    items, in the order of the meetings; numbered per pair. One query."""
    return list(iter_mechanisms(pair_ids))


def iter_mechanisms(pair_ids: Iterable[int]) -> Iterator[MeetingItems]:
    """mechanism_series a chunk of rows at a time, for an export of every case."""
    rows = (
        Logbook.objects.filter(meeting__pair_id__in=list(pair_ids), status__in=SUBMITTED)
        .order_by("meeting__pair_id", "meeting__held_on", "meeting__planned_at", "id")
        .values(
            "id",
            "meeting__pair_id",
            "meeting__sequence",
            "meeting__held_on",
            "role_perception",
            *(field for _name, field in SCALE_ITEMS),
        )
    )
    counts: dict[int, int] = {}
    for row in rows.iterator(chunk_size=2000):
        pair_id = row["meeting__pair_id"]
        counts[pair_id] = counts.get(pair_id, 0) + 1
        yield MeetingItems(
            logbook_id=row["id"],
            pair_id=pair_id,
            number=counts[pair_id],
            plan_number=row["meeting__sequence"],
            held_on=row["meeting__held_on"],
            scales={name: row[field] for name, field in SCALE_ITEMS},
            role=row["role_perception"] or "",
        )


def case_series(pair_ids: list[int]) -> list[MeetingItems]:
    """One case's logbooks across its pairs (a substitute supporter's pair continues the
    earlier one), numbered in the order of the meetings."""
    series = sorted(
        mechanism_series(pair_ids),
        key=lambda m: (m.held_on or dt.date.max, m.logbook_id),
    )
    for number, meeting in enumerate(series, start=1):
        meeting.number = number
    return series


def mechanism_chart(series: list[MeetingItems], *, title: str) -> SafeString:
    """Small multiples: one panel per item (the six scales, 1-5, then the role view, 1-3), each
    a line across the meetings. The table beside it (logbooks/_mechanisms.html) holds the same
    values for readers who cannot see the chart."""
    labels = item_labels()
    panel_w, panel_h, left, top, bottom, gap = 150, 90, 22, 24, 18, 12
    columns = 4
    panels = []
    count = max((m.number for m in series), default=1)

    def sx(number: int) -> float:
        return left + (number - 1) / max(count - 1, 1) * (panel_w - left - 6)

    for index, name in enumerate(labels):
        ox = (index % columns) * (panel_w + gap)
        oy = (index // columns) * (panel_h + top + bottom)
        high = 3 if name == ROLE_ITEM else 5
        plot_h = panel_h - bottom

        def sy(value: float, high: int = high, oy: int = oy, plot_h: int = plot_h) -> float:
            return oy + top + plot_h - (value - 1) / (high - 1) * plot_h

        points = [(m.number, v) for m in series if (v := m.number_of(name)) is not None]
        path = " ".join(f"{ox + sx(n):.1f},{sy(v):.1f}" for n, v in points)
        dots = "".join(
            f'<circle cx="{ox + sx(n):.1f}" cy="{sy(v):.1f}" r="2.5" fill="#0b5563">'
            f"<title>{n}: {v}</title></circle>"
            for n, v in points
        )
        ticks = "".join(
            f'<text x="{ox + left - 4}" y="{sy(v) + 3:.1f}" text-anchor="end" font-size="9">'
            f"{v}</text>"
            for v in (1, high)
        ) + "".join(  # the first and the last logbook's number under the axis
            f'<text x="{ox + sx(n):.1f}" y="{oy + top + plot_h + 11}" text-anchor="middle" '
            f'font-size="9">{n}</text>'
            for n in sorted({1, count})
        )
        panels.append(
            f'<text x="{ox + left}" y="{oy + 11}" font-size="11">{escape(labels[name])}</text>'
            f'<line x1="{ox + left}" y1="{oy + top + plot_h}" x2="{ox + panel_w - 4}" '
            f'y2="{oy + top + plot_h}" stroke="#6c757d"/>{ticks}'
            + (f'<polyline points="{path}" fill="none" stroke="#0b5563"/>' if path else "")
            + dots
        )
    rows = (len(labels) + columns - 1) // columns
    width = columns * (panel_w + gap)
    height = rows * (panel_h + top + bottom)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(panels)
        + "</svg>"
    )
    return mark_safe(svg)


def mechanism_context(pair_ids: list[int], *, show_dates: bool = True) -> dict:
    """What logbooks/_mechanisms.html needs for one case's pairs. One query."""
    series = [m for m in case_series(pair_ids) if m.answered]
    return {
        "mechanism_series": series,
        "mechanism_chart": mechanism_chart(series, title=gettext("Mechanisms over time")),
        "mechanism_labels": item_labels(),
        "show_dates": show_dates,
    }
