"""Journey 5: a supporter asked for support in a logbook; the real outbox sweep has sent the
alerts. The manager sees the request on the dashboard, opens it, marks it handled, and finds in
the outbox the reminders that were sent."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from logbooks.models import Meeting
from logbooks.services import logbook_save, pair_start
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.logbooks.conftest import make_pair
from tod.outbox.models import Reminder, ReminderKind, ReminderStatus
from tod.outbox.services import outbox_sweep

from .quality import check_page

pytestmark = pytest.mark.django_db(transaction=True)

FILTER = re.compile("^Filtr")


@pytest.fixture
def support_request(site, manager, supporter):
    """Hanne's logbook of her first meeting with Bent asks for support; the sweep has run.

    The match meeting was 33 days ago, so the meetings were 19 and 5 days ago, whatever the
    hour: the second logbook's first reminder (two days after, at 10:00) is due and its second
    (seven days after) is not. (30 days made the first reminder due today at 10:00: before
    then, the sweep sent the alert alone.)"""
    manager.email = "maria@example.org"
    manager.save(update_fields=["email"])
    supporter.email = "hanne@example.org"
    supporter.save(update_fields=["email"])
    pair = make_pair(site, supporter, last_name="Holm")
    pair_start(
        pair=pair,
        match_meeting_on=timezone.localdate() - dt.timedelta(days=33),
        by=manager,
        place="Café",
    )
    first, second = Meeting.objects.filter(pair=pair).order_by("planned_at")[:2]
    assert second.planned_at < timezone.now()  # the second meeting is past: no logbook yet
    logbook = logbook_save(
        meeting=first,
        by=supporter,
        answers={
            "activities": "Gåtur og kaffe",
            "needs_support": True,
            "support_with": "Bent vil ikke tale om sin medicin",
        },
        submit=True,
    )
    result = outbox_sweep(max_seconds=None)
    assert result.sent == 2  # the alert to Maria and Hanne's reminder of the second logbook
    assert [m.to for m in mail.outbox if "maria@example.org" in m.to]
    return logbook


def test_the_manager_sees_the_support_request_and_the_reminders_sent(
    open_page, manager, support_request
):
    page = open_page("desktop")
    log_in(page, manager.username, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Overblik over programmet"
    request_link = page.get_by_role("link", name="Hanne Larsen (Bent)")
    assert request_link.is_visible()
    assert page.get_by_text("Bent vil ikke tale om sin medicin").is_visible()
    check_page(page, "journey5-manager-dashboard")

    request_link.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/logbooks/{support_request.pk}/")
    assert page.locator(".alert-danger").inner_text().startswith("Beder om støtte")
    check_page(page, "journey5-support-request")
    page.get_by_role("button", name="Markér støtten som givet").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").get_by_text("markeret som håndteret").is_visible()
    check_page(page)

    page.get_by_role("link", name="Udbakke").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Udbakke"
    check_page(page, "journey5-outbox")
    # The first meeting's logbook reminders were cancelled when Hanne submitted it: why, in Danish.
    assert page.get_by_role("cell", name="ikke længere nødvendig").count() >= 1
    assert "no longer wanted" not in page.content()
    page.get_by_label("Status").select_option(label="Sendt")
    page.get_by_label("Type").select_option(label="Beder om støtte")
    page.get_by_role("button", name=FILTER).click()
    page.wait_for_load_state()
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Maria" in rows.first.inner_text() and "Sendt" in rows.first.inner_text()
    check_page(page)
    # Every reminder the sweep sent is listed as sent, with the time it went.
    page.get_by_label("Type").select_option(label="Alle")
    page.get_by_role("button", name=FILTER).click()
    page.wait_for_load_state()
    sent = Reminder.objects.filter(status=ReminderStatus.SENT)
    assert page.locator("tbody tr").count() == sent.count() >= 2
    assert (
        page.get_by_role("cell", name="Logbogspåmindelse").count()
        == sent.filter(kind=ReminderKind.LOGBOOK).count()
    )

    # Handled: the request has left the dashboard.
    page.get_by_role("link", name="Overblik").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Hanne Larsen (Bent)").count() == 0
    check_page(page)
