"""Journey 8: a supporter types the address of another supporter's pair and is refused with an
accessible Danish "not found" page; their menu leads only to their own pair."""

import datetime as dt

import pytest
from django.utils import timezone

from logbooks.models import Pair, PairStatus
from logbooks.services import pair_start
from programme.models import Kind
from tests.browser import log_in
from tests.conftest import PASSWORD, make_participant

from .quality import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def started_pair(site, supporter_user, manager, **peer) -> Pair:
    pair = Pair.objects.create(
        site=site,
        peer=make_participant(site, Kind.PEER, **peer),
        supporter=supporter_user.participant,
        status=PairStatus.AGREED,
    )
    return pair_start(
        pair=pair,
        match_meeting_on=timezone.localdate() - dt.timedelta(days=20),
        by=manager,
        place="Café",
    )


def test_a_supporter_cannot_open_another_supporters_pair(
    open_page, site, manager, supporter, other_supporter
):
    own = started_pair(site, supporter, manager, first_name="Bent", last_name="Holm")
    foreign = started_pair(
        site, other_supporter, manager, first_name="Karen", last_name="Vestergaard"
    )
    foreign_meeting = foreign.meetings.order_by("planned_at").first()

    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    page.get_by_role("button", name="Vis menu").click()
    page.get_by_role("link", name="Par", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Par"
    assert page.get_by_text("Bent Holm").is_visible()
    assert "Vestergaard" not in page.content()
    check_page(page, "journey8-own-pairs-phone")

    # The own pair opens...
    page.get_by_role("link", name="Bent Holm").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/logbooks/pairs/{own.pk}/")
    assert "Karen" not in page.content()
    check_page(page)

    # ...the other supporter's, typed into the address bar, does not: the same page as for a pair
    # that does not exist, so the answer does not even tell that it does.
    for url in (
        f"/logbooks/pairs/{foreign.pk}/",
        f"/logbooks/meetings/{foreign_meeting.pk}/logbook/",
    ):
        response = page.goto(url)
        assert response.status == 404, url
        assert page.locator("html").get_attribute("lang") == "da"
        assert page.get_by_role("heading", level=1).inner_text() == "Siden findes ikke"
        assert page.get_by_text("Siden findes ikke, eller din konto kan ikke se den.").is_visible()
        assert "Karen" not in page.content() and "Vestergaard" not in page.content()
        check_page(page, "journey8-refused-phone")
    missing = page.goto("/logbooks/pairs/999999/")
    assert missing.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Siden findes ikke"
