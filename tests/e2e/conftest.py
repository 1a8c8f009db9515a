"""The journeys of tests/e2e use the shared `browser` and `open_page` fixtures of
tests/conftest.py (one Chromium for the whole run) and the helpers of tests/browser.py, which
other apps' browser tests import from here too."""

from tests.browser import CHROMIUM, assert_accessible, axe_violations, log_in, screenshot

__all__ = ["CHROMIUM", "assert_accessible", "axe_violations", "log_in", "screenshot"]


def __getattr__(name):
    # `from tests.e2e.conftest import open_page` keeps working: the fixture lives in
    # tests/conftest.py, visible to every test directory.
    if name == "open_page":
        from tests.conftest import open_page

        return open_page
    raise AttributeError(name)
