"""Helpers of journeys 1-4 (tests/e2e/test_journey_[1-4]_*.py). Every page they visit goes through
quality.check_page: axe-core finds no serious or critical violation and the page ships at most
300 KB of CSS and JavaScript."""

from tests.browser import screenshot


def snapshot(page, name: str):
    """A full-page screenshot that leaves the page as a person left it.

    Chromium takes a full-page screenshot by resizing the viewport; a text field that still has
    the focus is then scrolled back into view at the next pointer event, which moves the page
    between the mouse-down and the mouse-up of the next click: the click misses its button. A
    person who clicks a button has left the field anyway, so the field is blurred first."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    return screenshot(page, name)
