"""The journeys of tests/e2e use the shared `browser` and `open_page` fixtures of
tests/conftest.py and the helpers of tests/browser.py."""

from tests.browser import assert_accessible, axe_violations, log_in, screenshot

__all__ = ["assert_accessible", "axe_violations", "log_in", "screenshot"]
