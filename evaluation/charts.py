"""Server-side SVG charts: no JavaScript, no inline styles (presentation attributes only), so
they pass the Content Security Policy and print well. Each returns safe SVG markup.

Their words and numbers are the reader's: labels translated, numbers written by Django's
floatformat in the active language (75,5 in Danish), coordinates always with a decimal point."""

from __future__ import annotations

from html import escape

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

PRE_COLOUR = "#9bb7bd"
POST_COLOUR = "#0b5563"
POINT_COLOUR = "#0b5563"
AXIS_COLOUR = "#6c757d"


def _num(value) -> float:
    return float(value) if value is not None else 0.0


def shown(value) -> str:
    """A number as the reader's language writes it, with a decimal only when it has one."""
    return floatformat(value, -1)


def scatter(
    points: list[tuple[float, float]],
    *,
    x_label: str,
    y_label: str,
    title: str,
    x_max: int | None = None,
) -> SafeString:
    """A scatter plot of (x, y) points with light jitter-free stacking counts."""
    width, height, left, bottom, top, right = 420, 260, 50, 40, 20, 20
    xs = [p[0] for p in points] or [0]
    ys = [p[1] for p in points] or [0]
    x_high = max(x_max or 0, max(xs), 1)
    y_high = max(max(ys), 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(x):
        return left + (x / x_high) * plot_w

    def sy(y):
        return top + plot_h - (y / y_high) * plot_h

    counts: dict[tuple[float, float], int] = {}
    for p in points:
        counts[p] = counts.get(p, 0) + 1
    dots = "".join(
        f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="{min(4 + 2 * (n - 1), 12)}" '
        f'fill="{POINT_COLOUR}" fill-opacity="0.6"><title>{shown(x)}; {shown(y)} (n={n})</title>'
        "</circle>"
        for (x, y), n in sorted(counts.items())
    )
    ticks = "".join(
        f'<text x="{sx(t):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
        f'font-size="11">{t}</text>'
        for t in range(0, int(x_high) + 1)
    )
    y_ticks = "".join(
        f'<text x="{left - 6}" y="{sy(v) + 4:.1f}" text-anchor="end" font-size="11">'
        f"{shown(v)}</text>"
        for v in sorted({0, round(y_high / 2, 1), round(y_high, 1)})
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{AXIS_COLOUR}"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>'
        f"{ticks}{y_ticks}{dots}"
        f'<text x="{left + plot_w / 2}" y="{height - 4}" text-anchor="middle" font-size="12">'
        f"{escape(x_label)}</text>"
        f'<text x="12" y="{top + plot_h / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 12 {top + plot_h / 2})">{escape(y_label)}</text>'
        "</svg>"
    )
    return mark_safe(svg)


def funnel_bars(steps: list[dict], *, title: str) -> SafeString:
    """Horizontal bars for the recruitment funnel, peers and supporters side by side."""
    row_h, width, label_w = 26, 460, 170
    height = row_h * len(steps) * 2 + 10
    high = max([max(s["peers"], s["supporters"]) for s in steps] + [1])
    parts = []
    y = 5
    for s in steps:
        for key, colour in (("peers", POST_COLOUR), ("supporters", PRE_COLOUR)):
            w = (s[key] / high) * (width - label_w - 40)
            label = escape(str(s["label"])) if key == "peers" else ""
            parts.append(
                f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
                f"{label}</text>"
                f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{colour}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + 16}" font-size="11">{s[key]}</text>'
            )
            y += row_h
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )
    return mark_safe(svg)


def paired_lines(pairs: list[tuple[str, float, float]], *, title: str) -> SafeString:
    """A paired plot: one line per peer from their value before to their value after, each line
    titled with the peer's pseudonym and values; the axis from the lowest to the highest value."""
    width, height, left, right, top, bottom = 240, 200, 48, 16, 14, 28
    names = (gettext("before"), gettext("after"))
    values = [v for _peer, before, after in pairs for v in (before, after)] or [0.0]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    plot_h = height - top - bottom
    x_before, x_after = left + 30, width - right - 30

    def sy(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    lines = "".join(
        f'<line x1="{x_before}" y1="{sy(before):.1f}" x2="{x_after}" y2="{sy(after):.1f}" '
        f'stroke="{POST_COLOUR}" stroke-opacity="0.5"><title>{escape(peer)}: '
        f"{shown(before)} → {shown(after)}</title></line>"
        for peer, before, after in pairs
    )
    ticks = "".join(
        f'<text x="{left - 6}" y="{sy(v) + 4:.1f}" text-anchor="end" font-size="11">'
        f"{shown(round(v, 1))}</text>"
        for v in (low, (low + high) / 2, high)
    )
    axes = "".join(
        f'<text x="{x}" y="{height - 8}" text-anchor="middle" font-size="11">{escape(name)}</text>'
        for x, name in ((x_before, names[0]), (x_after, names[1]))
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>'
        f"{ticks}{axes}{lines}</svg>"
    )
    return mark_safe(svg)
