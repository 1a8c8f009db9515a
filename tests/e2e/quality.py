"""Checks every page of the journeys 5-8 passes: axe-core finds no serious or critical violation,
and the page ships at most PAGE_WEIGHT_LIMIT bytes of CSS and JavaScript."""

from __future__ import annotations

from tests.browser import assert_accessible, screenshot

# Issue #8: "no page ships more than 300 KB of CSS and JavaScript". Counted uncompressed (the live
# server of the tests does not compress; production's whitenoise sends about a sixth of it).
PAGE_WEIGHT_LIMIT = 300_000

_WEIGHTS = """() => {
  const urls = [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href)
    .concat([...document.scripts].filter((s) => s.src).map((s) => s.src));
  const entries = performance.getEntriesByType('resource');
  return urls.map((url) => {
    const entry = entries.find((e) => e.name === url);
    return [url, entry ? entry.decodedBodySize : null];
  });
}"""


def css_js_weights(page) -> dict[str, int]:
    """The stylesheets and scripts the page loaded, with their size in bytes (uncompressed),
    from the browser's resource timing."""
    weights = dict(page.evaluate(_WEIGHTS))
    unmeasured = [url for url, size in weights.items() if size is None]
    assert not unmeasured, f"no resource timing for {unmeasured}"
    return weights


def assert_light(page) -> int:
    weights = css_js_weights(page)
    total = sum(weights.values())
    assert total <= PAGE_WEIGHT_LIMIT, f"{page.url}: {total} bytes of CSS and JS: {weights}"
    return total


def check_page(page, name: str | None = None) -> None:
    """What every journey page must pass; `name` also saves a screenshot of it."""
    if name:
        screenshot(page, name)
    assert_accessible(page)
    assert_light(page)
