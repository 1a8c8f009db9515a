"""Journey 9, day one of a new supporter: the manager, on a desktop, gives a trained supporter a
login from his participant page; the supporter opens the invitation's link on his phone,
chooses a password (Django's validators refuse a weak one first), is logged in for the first
time and writes the logbook of a meeting he held. Every page passes axe's serious/critical
checks."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from logbooks.factories import PairFactory
from logbooks.models import Logbook, LogbookStatus
from logbooks.services import pair_start
from programme.models import Kind
from tests.accounts.invitations import token_in, trained_supporter
from tests.browser import log_in
from tests.conftest import PASSWORD, make_participant
from tests.e2e.journey_helpers import snapshot
from tests.e2e.quality import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "kaffe-i-faelledparken-42"


@pytest.fixture
def soeren(site, programme_round, manager):
    """A trained supporter without a login, already paired with Bent: the match meeting was
    three weeks ago, so the first biweekly meeting lies in the past."""
    soeren = trained_supporter(site, programme_round, manager)
    peer = make_participant(site, Kind.PEER, first_name="Bent", last_name="Madsen")
    pair = PairFactory.create(site=site, peer=peer, supporter=soeren)
    pair_start(
        pair=pair,
        match_meeting_on=timezone.localdate() - dt.timedelta(days=20),
        by=manager,
        time=dt.time(10),
        place="Caféen i Sundhedshuset",
    )
    return soeren


def test_journey_9_the_manager_invites_a_supporter_who_logs_in_and_writes_a_logbook(
    open_page, manager, soeren
):
    # The manager, on a desktop: the participant page, "Give a login", by e-mail.
    desk = open_page("desktop")
    log_in(desk, manager.username, PASSWORD)
    desk.goto(soeren.get_absolute_url())
    expect(desk.get_by_role("heading", level=1)).to_have_text("Søren Holm")
    check_page(desk)
    desk.get_by_role("link", name="Giv et login").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Giv Søren Holm et login")
    check_page(desk)
    desk.get_by_label("E-mail", exact=True).check()
    desk.get_by_role("button", name="Send invitation").click()
    expect(
        desk.get_by_text(
            "Søren Holm har fået et login, soeren; invitationen er sendt til soeren@example.org."
        )
    ).to_be_visible()
    expect(desk.get_by_text("inviteret, har endnu ingen adgangskode")).to_be_visible()
    snapshot(desk, "journey9-login-given-desktop")
    check_page(desk)

    # The accounts page shows the pending invitation.
    desk.get_by_role("link", name="Konti", exact=True).first.click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Konti i Copenhagen")
    row = desk.get_by_role("row").filter(has_text="soeren")
    expect(row.get_by_text("inviteret", exact=True)).to_be_visible()
    expect(row.get_by_role("button", name="Send igen")).to_be_visible()
    check_page(desk)

    # Søren, on his phone, opens the link in the mail.
    (invitation,) = mail.outbox
    assert invitation.to == ["soeren@example.org"]
    phone = open_page("phone")
    phone.goto(f"/accounts/manage/welcome/{token_in(invitation.body)}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Vælg din adgangskode")
    expect(phone.get_by_text("Dit brugernavn er soeren.", exact=False)).to_be_visible()
    check_page(phone)
    phone.get_by_label("Ny adgangskode").first.fill("12345678")
    phone.get_by_label("Bekræftelse af ny adgangskode").fill("12345678")
    phone.get_by_role("button", name="Gem adgangskode").click()
    expect(phone.get_by_text(re.compile("kun tal|for kort|for almindelig")).first).to_be_visible()
    check_page(phone)
    phone.get_by_label("Ny adgangskode").first.fill(NEW_PASSWORD)
    phone.get_by_label("Bekræftelse af ny adgangskode").fill(NEW_PASSWORD)
    snapshot(phone, "journey9-choose-password-phone")
    phone.get_by_role("button", name="Gem adgangskode").click()

    # Logged in for the first time: his own page, his pair with Bent.
    expect(phone.get_by_text("Din adgangskode er gemt. Velkommen!")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Velkommen, Søren")
    check_page(phone)
    soeren.refresh_from_db()
    assert soeren.user.username == "soeren" and soeren.user.last_login is not None

    # The first meeting was held: he records it and writes its logbook.
    phone.get_by_role("link", name=re.compile(r"\d+\. \w+ 10:00")).first.click()
    expect(phone.get_by_role("heading", name="Tidslinje")).to_be_visible()
    meetings = phone.get_by_role("listitem").filter(has_text="10:00")
    meetings.first.get_by_role("link", name="Registrér udfald").click()
    phone.get_by_label("Holdt", exact=True).check()
    phone.get_by_label("Varighed (minutter)").fill("60")
    phone.get_by_label("Aktivitet").fill("Kaffe og en gåtur")
    phone.get_by_role("button", name="Gem").click()
    expect(phone.get_by_text("Mødets udfald er registreret.")).to_be_visible()
    phone.get_by_role("link", name="Skriv logbog").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Logbog")
    phone.get_by_label("1. Hvad lavede I sammen?").fill("Kaffe og en gåtur ved søerne")
    phone.get_by_label("7. Dine egne refleksioner efter mødet").fill("Et godt første møde.")
    phone.locator("fieldset").filter(has_text="9. Har du brug for støtte").get_by_text(
        "Nej", exact=True
    ).click()
    check_page(phone)
    phone.get_by_role("button", name="Indsend logbog").click()
    expect(phone.get_by_text("Tak! Din logbog er sendt til projektlederen.")).to_be_visible()
    check_page(phone)
    logbook = Logbook.objects.get()
    assert logbook.status == LogbookStatus.SUBMITTED
    assert logbook.activities == "Kaffe og en gåtur ved søerne"
    assert logbook.meeting.pair.supporter == soeren
