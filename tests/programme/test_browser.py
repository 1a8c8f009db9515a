"""In a real browser: the public interest form on a phone, and the manager's recruitment,
participant and session pages, each accessible (axe-core) and working without JavaScript."""

import datetime as dt

import pytest
from django.utils import timezone

from programme import services
from programme.models import Participant, ReferralChannel, SessionKind
from tests.browser import assert_accessible, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def frozen_clock():
    """A live server runs in another thread: no frozen clock here."""
    yield


def test_public_interest_form_on_a_phone(open_page, site, programme_round):
    page = open_page("phone")
    page.goto(f"/programme/interest/{site.slug}/")
    assert_accessible(page)
    page.get_by_label("være peer-støtte").check()
    page.get_by_label("Fornavn").fill("Anne")
    page.get_by_label("Efternavn").fill("Rasmussen")
    page.get_by_label("Fødselsdato").fill("1968-08-21")
    page.get_by_label("Køn").select_option("female")
    page.get_by_label("Telefon").fill("20123456")
    page.get_by_label("Postnummer").fill("2000")
    page.get_by_label("I må kontakte mig om programmet").check()
    screenshot(page, "programme-interest-form")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Tak!"
    assert_accessible(page)
    participant = Participant.objects.get()
    assert participant.referral_channel == ReferralChannel.WEB_PAGE


def test_manager_recruitment_and_session_pages_are_accessible(
    open_page, manager, supervisor, site, programme_round
):
    from tests.conftest import make_participant

    peer = make_participant(site, first_name="Bent", last_name="Madsen", round=programme_round)
    start = timezone.now() - dt.timedelta(days=1)
    session = services.session_create(
        site=site,
        round=programme_round,
        kind=SessionKind.SUPERVISION,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Centre",
        leader=supervisor,
        by=manager,
    )
    services.supervision_topic_suggest(
        site=site, text="Min peer svarer ikke", source_label="Logbog", by=manager
    )
    page = open_page("desktop")
    log_in(page, manager.username, PASSWORD)
    for url, name in [
        ("/programme/participants/", "programme-participants"),
        (f"/programme/participants/{peer.pk}/", "programme-participant"),
        (f"/programme/participants/{peer.pk}/screen/", "programme-screening"),
        ("/programme/funnel/", "programme-funnel"),
        ("/programme/courses/new/", "programme-course-new"),
        (f"/programme/sessions/{session.pk}/", "programme-session"),
    ]:
        page.goto(url)
        assert page.get_by_role("heading", level=1).count() == 1, url
        screenshot(page, name)
        assert_accessible(page)
    # Screening works as a plain form.
    page.goto(f"/programme/participants/{peer.pk}/screen/")
    for radio in page.get_by_label("Ja").all():
        radio.check()
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    assert "Egnet" in page.content()
