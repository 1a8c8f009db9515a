"""Server-side SVG charts: no JavaScript, no inline styles (presentation attributes only), so
they pass the Content Security Policy and print well. Each returns safe SVG markup.

Their words and numbers are the reader's: labels translated, numbers written by Django's
floatformat in the active language (75,5 in Danish), coordinates always with a decimal point."""

from __future__ import annotations

from decimal import Decimal
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


def pre_post_bars(
    label: str, pre: Decimal | None, post: Decimal | None, *, title: str
) -> SafeString:
    """Two bars (before, after) with their values, scaled to the larger one."""
    names = (gettext("before"), gettext("after"))
    width, height, top, bottom = 220, 150, 24, 28
    high = max(_num(pre), _num(post), 1.0)
    bars = []
    for index, (name, value, colour) in enumerate(
        ((names[0], pre, PRE_COLOUR), (names[1], post, POST_COLOUR))
    ):
        x = 40 + index * 80
        h = 0 if value is None else (_num(value) / high) * (height - top - bottom)
        y = height - bottom - h
        text = "–" if value is None else shown(value)
        bars.append(
            f'<rect x="{x}" y="{y:.1f}" width="60" height="{h:.1f}" fill="{colour}"/>'
            f'<text x="{x + 30}" y="{y - 4:.1f}" text-anchor="middle" font-size="12">{text}</text>'
            f'<text x="{x + 30}" y="{height - 10}" text-anchor="middle" font-size="11">'
            f"{escape(name)}</text>"
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<line x1="30" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="{AXIS_COLOUR}"/>' + "".join(bars) + "</svg>"
    )
    return mark_safe(svg)


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
