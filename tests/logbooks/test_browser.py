"""The supporter's logbook on a phone, in a real browser: one screen, big buttons, the autosave
keeps a draft on the server, submitting works, and the pages pass axe's accessibility checks."""

import datetime as dt

import pytest
from django.utils import timezone

from logbooks import services
from logbooks.models import Logbook, LogbookStatus
from tests.browser import assert_accessible, log_in, screenshot
from tests.conftest import PASSWORD

from .conftest import make_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def past_meeting(site, supporter, manager):
    pair = make_pair(site, supporter)
    services.pair_start(
        pair=pair,
        match_meeting_on=timezone.localdate() - dt.timedelta(days=20),
        by=manager,
        place="Café",
    )
    return pair.meetings.filter(planned_at__lt=timezone.now()).first()


def test_the_supporter_writes_a_logbook_on_a_phone(open_page, supporter, past_meeting):
    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    page.goto(f"/logbooks/meetings/{past_meeting.pk}/logbook/")
    assert page.get_by_role("heading", level=1).inner_text() == "Logbog"
    page.get_by_label("1. Hvad lavede I sammen?").fill("Gåtur og kaffe")
    page.get_by_text("Mad", exact=True).click()
    page.get_by_text("Ensomhed", exact=True).click()
    # the autosave: normally every 20 s after a change; coming back online saves at once
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("Kladde gemt kl.").wait_for()
    draft = Logbook.objects.get(meeting=past_meeting)
    assert draft.status == LogbookStatus.DRAFT
    assert draft.activities == "Gåtur og kaffe" and draft.topics == ["food", "loneliness"]
    box = page.get_by_role("button", name="Indsend logbog").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big touch target on a phone
    assert_accessible(page)
    screenshot(page, "logbooks-logbook-phone")
    page.get_by_role("button", name="Indsend logbog").click()
    page.wait_for_load_state()
    assert "Tak! Din logbog er sendt til projektlederen." in page.content()
    draft.refresh_from_db()
    assert draft.status == LogbookStatus.SUBMITTED


def test_the_pair_page_is_accessible(open_page, manager, past_meeting):
    page = open_page("desktop")
    log_in(page, manager.username, PASSWORD)
    page.goto(f"/logbooks/pairs/{past_meeting.pair_id}/")
    assert page.get_by_role("heading", name="Tidslinje").is_visible()
    assert_accessible(page)
    screenshot(page, "logbooks-pair-desktop")


def test_the_managers_pages_are_accessible(open_page, manager, supporter, past_meeting):
    logbook = services.logbook_save(
        meeting=past_meeting,
        by=supporter,
        answers={"activities": "Gåtur", "needs_support": True, "support_with": "Medicin"},
        submit=True,
    )
    services.pair_pause(pair=past_meeting.pair, by=manager)
    page = open_page("desktop")
    log_in(page, manager.username, PASSWORD)
    for url in (
        f"/logbooks/pairs/{past_meeting.pair_id}/",
        "/logbooks/",
        f"/logbooks/{logbook.pk}/",
        "/outbox/",
        "/logbooks/what-we-record/",
    ):
        page.goto(url)
        assert_accessible(page)


def test_the_supporters_pages_are_accessible_on_a_phone(open_page, supporter, past_meeting):
    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    for url in (
        "/programme/supporter/",
        f"/logbooks/pairs/{past_meeting.pair_id}/",
        "/logbooks/calendar/",
        "/outbox/preferences/",
    ):
        page.goto(url)
        assert_accessible(page)
    screenshot(page, "logbooks-reminder-settings-phone")
