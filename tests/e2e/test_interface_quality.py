"""What every user meets whatever the journey, in a real browser: text enlarged to 200 % without
loss, Danish dates and numbers, the language remembered per user, at most 300 KB of CSS and JS a
page, forms that work without JavaScript, and errors announced and tied to their fields."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.formats import get_format

from evaluation import services as evaluation_services
from evaluation.models import NurseVisit
from logbooks.models import Logbook, LogbookStatus
from logbooks.services import pair_start
from tests.browser import VIEWPORTS, assert_accessible, log_in, screenshot
from tests.conftest import PASSWORD
from tests.evaluation.conftest import make_case
from tests.logbooks.conftest import make_pair

from .quality import PAGE_WEIGHT_LIMIT, assert_light, check_page, css_js_weights

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def past_meeting(site, manager, supporter):
    """The first meeting of Hanne and Bent, held ten days ago; no logbook yet."""
    pair = make_pair(site, supporter, last_name="Holm")
    pair_start(
        pair=pair,
        match_meeting_on=timezone.localdate() - dt.timedelta(days=20),
        by=manager,
        place="Café",
    )
    return pair.meetings.order_by("planned_at").first()


@pytest.fixture
def peer(site, programme_round, manager):
    """A peer who consented to the evaluation, in a pair that started half a year ago."""
    case = make_case(
        site,
        programme_round,
        manager,
        started_on=timezone.localdate() - dt.timedelta(days=185),
        first_name="Karen",
        last_name="Holm",
    )
    return case.peer


def key_pages(manager, supporter, nurse, evaluator, past_meeting, peer):
    return [
        (manager, "/programme/", "manager-dashboard"),
        (supporter, f"/logbooks/meetings/{past_meeting.pk}/logbook/", "logbook-form"),
        (nurse, f"/evaluation/nurse/peers/{peer.pk}/visits/pre/", "nurse-visit-form"),
        (evaluator, "/evaluation/", "evaluation-dashboard"),
    ]


# --- Text at 200 % --------------------------------------------------------------------------------

# Elements that run past the window's edges, or whose text does not fit their own box. A wide
# data table scrolls inside its own box (.table-responsive), as WCAG 1.4.10 allows.
_LOST_TEXT = """() => {
  const width = window.innerWidth;
  const lost = [];
  const selector = 'main h1, main h2, main label, main legend, main .btn, main .badge, ' +
    'main .nav-link, .navbar-brand, .navbar-toggler, footer label, footer .btn';
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // hidden (collapsed menu, visually hidden)
    if (el.closest('.table-responsive')) continue;
    const inline = getComputedStyle(el).display === 'inline';
    const clipped = !inline && el.scrollWidth > el.clientWidth + 1;
    if (box.left < -1 || box.right > width + 1 || clipped) {
      const where = `${Math.round(box.left)}-${Math.round(box.right)}`;
      lost.push(`${el.tagName}.${el.className} "${el.innerText.slice(0, 40)}" ${where}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: width, lost: lost};
}"""


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_text_scales_to_200_percent_without_loss(
    open_page, viewport, manager, supporter, nurse, evaluator, past_meeting, peer
):
    for user, url, name in key_pages(manager, supporter, nurse, evaluator, past_meeting, peer):
        page = open_page(viewport)
        log_in(page, user.username, PASSWORD)
        page.goto(url)
        normal = page.evaluate("() => getComputedStyle(document.body).fontSize")
        # The reader's browser set to twice the text size: every rem doubles.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("() => getComputedStyle(document.body).fontSize") == (
            f"{2 * float(normal[:-2]):g}px"
        )
        result = page.evaluate(_LOST_TEXT)
        assert result["scrollWidth"] <= result["width"], (url, result)
        assert result["lost"] == [], url
        heading = page.get_by_role("heading", level=1)
        assert heading.is_visible()
        box = heading.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"]
        screenshot(page, f"quality-200pct-{name}-{viewport}")


# --- Danish formats -------------------------------------------------------------------------------


def test_dates_and_numbers_are_in_danish_formats(open_page, nurse, peer):
    # Django's Danish formats (d.m.Y, decimal comma) apply: tod/formats/da only adds names.
    assert settings.LANGUAGE_CODE == "da"
    assert get_format("SHORT_DATE_FORMAT", "da") == "d.m.Y"
    assert get_format("DECIMAL_SEPARATOR", "da") == ","
    visit = evaluation_services.nurse_visit_save(
        peer=peer,
        kind="pre",
        by=nurse,
        values={
            "visited_on": dt.date(2026, 11, 26),
            "hba1c_mmol_mol": 58,
            "weight_kg": 88.4,
            "height_cm": 171,
        },
    )
    page = open_page("tablet")
    log_in(page, nurse.username, PASSWORD)
    page.goto(f"/evaluation/nurse/visits/{visit.pk}/")
    assert page.get_by_text("Karen Holm · 26.11.2026").is_visible()
    assert page.get_by_text("58 mmol/mol (7,5 %)").is_visible()
    assert page.get_by_text("88,4 kg · 171,0 cm · BMI 30,2").is_visible()
    check_page(page)
    # The list shows the date the Danish way too, and the form gives the weight back with a comma.
    page.goto("/evaluation/nurse/")
    assert page.get_by_role("link", name="Udført 26.11.2026").is_visible()
    page.goto(f"/evaluation/nurse/peers/{peer.pk}/visits/pre/")
    assert page.get_by_label("vægt (kg)").input_value() == "88,4"
    assert page.get_by_label("dato for besøget").input_value() == "2026-11-26"  # a date box's own
    # In English, the same page uses the English decimal point.
    page.get_by_label("Sprog").select_option("en")
    page.get_by_role("button", name="Skift").click()
    page.wait_for_load_state()
    assert page.get_by_label("weight (kg)").input_value() == "88.4"
    page.goto(f"/evaluation/nurse/visits/{visit.pk}/")
    assert page.get_by_text("58 mmol/mol (7.5 %)").is_visible()


# --- The language choice follows the user ---------------------------------------------------------


def test_the_language_choice_is_remembered_for_the_user(open_page, supporter):
    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Velkommen, Hanne"
    page.get_by_label("Sprog").select_option("en")
    page.get_by_role("button", name="Skift").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Hanne"
    page.get_by_role("button", name="Show menu").click()
    page.get_by_role("button", name="Log out supporter").click()
    page.wait_for_load_state()
    supporter.refresh_from_db()
    assert supporter.language == "en"

    # Another device: a fresh browser with no cookies, in Danish until the user is known.
    other = open_page("desktop")
    other.goto("/accounts/login/")
    assert other.locator("html").get_attribute("lang") == "da"
    log_in(other, supporter.username, PASSWORD)
    assert other.locator("html").get_attribute("lang") == "en"
    assert other.get_by_role("heading", level=1).inner_text() == "Welcome, Hanne"
    other.get_by_role("link", name="My reminders").click()
    other.wait_for_load_state()
    assert other.get_by_role("heading", level=1).inner_text() == "My reminders"
    assert_accessible(other)


# --- Page weight ----------------------------------------------------------------------------------


def test_no_page_ships_more_than_300_kb_of_css_and_javascript(
    open_page, manager, supporter, nurse, evaluator, past_meeting, peer
):
    pages = [
        *[
            (user, url)
            for user, url, _ in key_pages(manager, supporter, nurse, evaluator, past_meeting, peer)
        ],
        (manager, "/outbox/"),
        (manager, f"/logbooks/pairs/{past_meeting.pair_id}/"),
        (supporter, "/programme/supporter/"),
    ]
    heaviest = 0
    for user, url in pages:
        page = open_page("desktop")
        log_in(page, user.username, PASSWORD)
        page.goto(url)
        weights = css_js_weights(page)
        # The measure is real: the page's own stylesheet and Bootstrap's are in it.
        assert any(url.endswith("bootstrap.min.css") for url in weights)
        assert any(url.endswith("tod.css") for url in weights)
        heaviest = max(heaviest, assert_light(page))
    assert heaviest <= PAGE_WEIGHT_LIMIT
    print(f"heaviest page: {heaviest} bytes of CSS and JS")


# --- Without JavaScript ---------------------------------------------------------------------------


@pytest.fixture
def open_page_without_js(browser, live_server):
    contexts = []

    def make(viewport="phone"):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            locale="da-DK",
            base_url=live_server.url,
            java_script_enabled=False,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_the_logbook_and_the_nurse_visit_work_without_javascript(
    open_page_without_js, supporter, nurse, past_meeting, peer
):
    page = open_page_without_js("phone")
    log_in(page, supporter.username, PASSWORD)
    # The menu cannot be opened without JavaScript: it is shown open, without the dead button.
    assert page.get_by_role("link", name="Par", exact=True).is_visible()
    assert page.get_by_role("button", name="Vis menu").is_hidden()
    page.goto(f"/logbooks/meetings/{past_meeting.pk}/logbook/")
    assert page.evaluate("1 + 1") == 2  # Playwright's own evaluation still works...
    assert page.locator("#logbook-form").get_attribute("data-autosave-url")  # ...the page's JS not
    page.get_by_label("1. Hvad lavede I sammen?").fill("Gåtur i parken")
    page.get_by_text("Mad", exact=True).click()
    page.get_by_role("button", name="Gem kladde").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").get_by_text("Kladden er gemt").is_visible()
    assert Logbook.objects.get(meeting=past_meeting).status == LogbookStatus.DRAFT
    page.get_by_role("button", name="Indsend logbog").click()
    page.wait_for_load_state()
    assert "Tak! Din logbog er sendt til projektlederen." in page.content()
    logbook = Logbook.objects.get(meeting=past_meeting)
    assert logbook.status == LogbookStatus.SUBMITTED
    assert logbook.activities == "Gåtur i parken" and logbook.topics == ["food"]

    page = open_page_without_js("tablet")
    log_in(page, nurse.username, PASSWORD)
    page.goto(f"/evaluation/nurse/peers/{peer.pk}/visits/pre/")
    # The visit's date is filled in: today, which the date box shows in the reader's format.
    assert page.get_by_label("dato for besøget").input_value() == timezone.localdate().isoformat()
    page.get_by_label("HbA1c (mmol/mol)").fill("64")
    page.get_by_label("vægt (kg)").fill("92,5")
    page.get_by_label("højde (cm)").fill("175")
    page.get_by_role("button", name="Gem besøget").click()
    page.wait_for_load_state()
    assert page.get_by_text("64 mmol/mol (8,0 %)").is_visible()
    visit = NurseVisit.objects.get(peer=peer, kind="pre")
    assert str(visit.weight_kg) == "92.5"


# --- Errors announced and tied to their fields ----------------------------------------------------

_ERROR_OF = """(input) => {
  const ids = (input.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
  const elements = ids.map((id) => document.getElementById(id)).filter(Boolean);
  return elements.map((e) => e.innerText.trim());
}"""


def assert_error_tied(page, label: str, message: str) -> None:
    field = page.get_by_label(label, exact=True)
    assert field.get_attribute("aria-invalid") == "true"
    assert message in field.evaluate(_ERROR_OF)
    # The summary at the top, announced as an alert, links to the field.
    summary = page.get_by_role("alert").filter(has_text=message)
    assert summary.count() == 1
    link = summary.get_by_role("link", name=message)
    assert link.get_attribute("href") == f"#{field.get_attribute('id')}"


def test_errors_are_announced_and_linked_to_their_fields(
    open_page, supporter, nurse, past_meeting, peer
):
    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    page.goto(f"/logbooks/meetings/{past_meeting.pk}/logbook/")
    page.get_by_text("Ja", exact=True).click()  # asks for support, but does not say with what
    page.get_by_role("button", name="Indsend logbog").click()
    page.wait_for_load_state()
    assert_error_tied(page, "1. Hvad lavede I sammen?", "Skriv kort hvad I lavede sammen.")
    assert_error_tied(
        page,
        "10. Hvad har du brug for støtte til?",
        "Skriv, hvad du gerne vil have støtte til, eller svar Nej til spørgsmål 9.",
    )
    check_page(page, "quality-logbook-errors-phone")
    assert Logbook.objects.filter(meeting=past_meeting, status=LogbookStatus.SUBMITTED).count() == 0

    page = open_page("tablet")
    log_in(page, nurse.username, PASSWORD)
    page.goto(f"/evaluation/nurse/peers/{peer.pk}/visits/pre/")
    page.get_by_label("HbA1c (mmol/mol)").fill("530")  # 53 mistyped
    page.get_by_role("button", name="Gem besøget").click()
    page.wait_for_load_state()
    field = page.get_by_label("HbA1c (mmol/mol)")
    assert field.get_attribute("aria-invalid") == "true"
    message = field.evaluate(_ERROR_OF)[0]
    assert "530" in message
    assert_error_tied(page, "HbA1c (mmol/mol)", message)
    check_page(page, "quality-nurse-visit-errors-tablet")
    assert not NurseVisit.objects.filter(peer=peer).exists()
