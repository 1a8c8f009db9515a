"""Journey 1, in a real browser: a web visitor asks to join through the public interest form on a
phone; the manager sees the referral arrive, records two more referrals from other channels (a
general practitioner and home care), screens each against the inclusion criteria and records the
consent of the one who is eligible. Every page passes axe's serious/critical checks."""

import re

import pytest
from playwright.sync_api import expect

from programme.models import Participant, ReferralChannel, ScreeningResult, Status
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.e2e.journey_helpers import snapshot
from tests.e2e.quality import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visitor_sends_the_interest_form(page, site) -> None:
    page.goto("/programme/interest/")
    # One site: the list of sites is skipped.
    assert page.url.endswith(f"/programme/interest/{site.slug}/")
    check_page(page)
    page.get_by_label("få en peer-støtte").check()
    page.get_by_label("Fornavn").fill("Anne")
    page.get_by_label("Efternavn").fill("Rasmussen")
    page.get_by_label("Fødselsdato").fill("1958-08-21")
    page.get_by_label("Køn").select_option(label="Kvinde")
    page.get_by_label("Telefon").fill("20123456")
    page.get_by_label("Postnummer").fill("2200")
    page.get_by_label("I må kontakte mig om programmet").check()
    snapshot(page, "journey1-interest-form-phone")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tak!")
    check_page(page)


def _register(page, *, first: str, last: str, born: str, channel: str, referred_by: str) -> None:
    page.get_by_role("link", name="Rekruttering", exact=True).click()
    page.get_by_role("link", name="Registrer en deltager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer en deltager")
    check_page(page)
    page.get_by_label("Forløb").select_option(label="Copenhagen · 2026")
    page.get_by_label("Rolle i programmet").select_option(label="Peer")
    page.get_by_label("Fornavn").fill(first)
    page.get_by_label("Efternavn").fill(last)
    page.get_by_role("textbox", name="Fødselsdato").fill(born)
    page.get_by_label("Køn").select_option(label="Mand")
    page.get_by_label("Telefon").fill("+4531234567")
    page.get_by_label("Postnummer").fill("2400")
    page.get_by_label("Henvisningskanal").select_option(label=channel)
    page.get_by_label("Henvist af").fill(referred_by)
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{first} {last}")
    expect(page.get_by_text(f"{first} {last} er registreret")).to_be_visible()
    check_page(page)


def _screen(page, answers: list[str]) -> None:
    """Answer the criteria in order on the participant's screening page and save."""
    page.get_by_role("link", name="Screening", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Screening af "))
    check_page(page)
    groups = page.locator("fieldset:has(input[type=radio][name^=criterion_])")
    assert groups.count() == len(answers)
    for index, answer in enumerate(answers):
        groups.nth(index).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()


def test_journey_1_referrals_screening_consent_and_the_public_form(
    open_page, manager, site, programme_round
):
    _visitor_sends_the_interest_form(open_page("phone"), site)

    page = open_page("desktop")
    log_in(page, manager.username, PASSWORD)
    # The web referral has arrived: the dashboard counts it, the list shows it with its channel.
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik over programmet")
    page.get_by_role("link", name="1 henvisning skal screenes").click()
    row = page.get_by_role("row").filter(has_text="Anne Rasmussen")
    expect(row.get_by_role("cell", name="Programmets hjemmeside")).to_be_visible()
    expect(row.get_by_role("cell", name="Henvist", exact=True)).to_be_visible()
    snapshot(page, "journey1-referrals-to-screen")
    check_page(page)

    # A referral from a general practitioner: eligible, and consents.
    _register(
        page,
        first="Bent",
        last="Madsen",
        born="1955-03-14",
        channel="Praktiserende læge",
        referred_by="Lægerne på Nørrebro",
    )
    _screen(page, ["Ja"] * 6)
    expect(page.get_by_text("Screening gemt: Egnet.")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Registrer samtykke").click()
    check_page(page)
    page.get_by_label("Formål").select_option(label="Deltagelse i programmet")
    page.get_by_label("Givet", exact=True).check()
    page.get_by_label("Hvordan det blev givet").select_option(label="Underskrevet på papir")
    snapshot(page, "journey1-consent-form")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Samtykke registreret.")).to_be_visible()
    expect(page.get_by_text("kan matches")).to_be_visible()
    expect(page.get_by_text("Samtykke givet", exact=True)).to_be_visible()
    snapshot(page, "journey1-participant-consented")
    check_page(page)

    # A referral from home care: lives with a partner and works, so not eligible; no consent.
    _register(
        page,
        first="Karl",
        last="Holm",
        born="1961-11-02",
        channel="Hjemmeplejen",
        referred_by="Hjemmeplejen Vest",
    )
    _screen(page, ["Ja", "Ja", "Nej", "Ja", "Nej", "Ja"])
    expect(page.get_by_text("Screening gemt: Ikke egnet.")).to_be_visible()
    expect(page.get_by_text("kan matches")).to_be_hidden()
    check_page(page)

    # The funnel per channel shows the three referrals, each from its own channel.
    page.get_by_role("link", name="Rekruttering", exact=True).click()
    page.get_by_role("link", name="Tragt pr. kanal").click()
    for channel in ("Praktiserende læge", "Hjemmeplejen", "Programmets hjemmeside"):
        assert page.get_by_role("row").filter(has_text=channel).count() == 1, channel
    snapshot(page, "journey1-funnel")
    check_page(page)

    people = {p.first_name: p for p in Participant.objects.all()}
    assert people["Anne"].referral_channel == ReferralChannel.WEB_PAGE
    assert people["Anne"].status == Status.REFERRED
    assert people["Bent"].referral_channel == ReferralChannel.GENERAL_PRACTITIONER
    assert people["Bent"].status == Status.CONSENTED
    assert people["Karl"].referral_channel == ReferralChannel.HOME_CARE
    assert people["Karl"].screenings.get().result == ScreeningResult.NOT_ELIGIBLE
    assert set(Participant.objects.eligible_peers()) == {people["Bent"]}
