"""Every role logs in in a real browser and lands on an accessible dashboard of its own."""

import pytest

from tests.browser import assert_accessible, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("persona", "viewport", "heading"),
    [
        ("manager", "desktop", "Overblik over programmet"),
        ("supporter", "phone", "Velkommen, Hanne"),
        ("nurse", "tablet", "Sygeplejerskebesøg"),
        ("supervisor", "desktop", "Supervision"),
        ("evaluator", "desktop", "Evaluering"),
    ],
)
def test_each_role_lands_on_its_dashboard(request, open_page, persona, viewport, heading):
    user = request.getfixturevalue(persona)
    page = open_page(viewport)
    log_in(page, user.username, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    screenshot(page, f"foundation-{persona}-dashboard")
    assert_accessible(page)


def test_login_page_is_accessible_and_refuses_a_wrong_password(open_page, manager):
    page = open_page("phone")
    log_in(page, manager.username, "not-the-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").count() >= 1 or page.locator(".alert-danger").count() >= 1
    assert_accessible(page)


def test_phone_menu_opens_and_language_switches_to_english(open_page, supporter):
    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    toggler = page.get_by_role("button", name="Vis menu")
    toggler.click()
    page.get_by_role("link", name="Min side").wait_for(state="visible")
    page.get_by_label("Sprog").select_option("en")
    page.get_by_role("button", name="Skift").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Hanne"
