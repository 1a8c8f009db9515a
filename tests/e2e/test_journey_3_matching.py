"""Journey 3, in a real browser: a trained supporter fills her match survey on her phone; the
manager fills a peer's survey with him, proposes pairs, reads the explanation of the proposed pair
(the two surveys side by side with the score and what they share), accepts it, records that both
agree, plans and records the match meeting; the pair is active with its meetings planned. Every
page passes axe's serious/critical checks."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from logbooks.models import Pair, PairStatus
from matching.models import MatchSurvey
from programme import services
from programme.models import (
    CRITERIA,
    Answer,
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    Kind,
    Participant,
    ScreeningResult,
    Sex,
)
from tests.browser import log_in
from tests.conftest import PASSWORD, make_participant, screen_eligible
from tests.e2e.journey_helpers import snapshot
from tests.e2e.quality import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _consent(person, by) -> None:
    if services.latest_screening_result(person) != ScreeningResult.ELIGIBLE:
        screen_eligible(person, by, on=timezone.localdate() - dt.timedelta(days=41))
    services.consent_record(
        participant=person,
        purpose=ConsentPurpose.PROGRAMME,
        decision=ConsentDecision.GIVEN,
        decided_on=timezone.localdate() - dt.timedelta(days=40),
        method=ConsentMethod.WRITTEN,
        by=by,
    )


@pytest.fixture
def pool(site, programme_round, manager, supporter):
    """Where journeys 1 and 2 left off: a trained supporter and an eligible peer, both
    consented, neither with a match survey yet."""
    hanne = Participant.objects.get(user=supporter)
    _consent(hanne, manager)
    now = timezone.now()
    course = services.course_create(
        site=site,
        round=programme_round,
        name="Kursus",
        trainer="Lise Berg",
        capacity=10,
        days=[
            (now - dt.timedelta(days=9), now - dt.timedelta(days=9, hours=-6), "Sundhedshuset"),
            (now - dt.timedelta(days=2), now - dt.timedelta(days=2, hours=-6), "Sundhedshuset"),
        ],
        by=manager,
    )
    services.course_invite(course=course, participants=[hanne], by=manager)
    for day in course.days.all():
        services.training_attendance_record(day=day, attended={hanne.pk: True}, by=manager)
    bent = make_participant(
        site,
        Kind.PEER,
        first_name="Bent",
        last_name="Madsen",
        date_of_birth=dt.date(1955, 3, 14),
        sex=Sex.MALE,
        round=programme_round,
    )
    services.screening_record(
        participant=bent,
        screened_on=timezone.localdate() - dt.timedelta(days=40),
        answers={code: Answer.YES for code, _label in CRITERIA[Kind.PEER]},
        by=manager,
    )
    _consent(bent, manager)
    assert set(Participant.objects.eligible_supporters()) == {hanne}
    assert set(Participant.objects.eligible_peers()) == {bent}
    return hanne, bent


def _supporter_fills_her_survey_on_a_phone(page) -> None:
    page.get_by_role("button", name="Vis menu").click()
    page.get_by_role("link", name="Mit matchskema").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matchskema: Hanne Larsen")
    check_page(page)
    page.get_by_label("Dansk", exact=True).check()
    page.get_by_label("Engelsk", exact=True).check()
    page.get_by_label("Motivation").fill(
        "Jeg har selv haft god hjælp og vil gerne give den videre."
    )
    page.get_by_label("Gåture og motion").check()
    page.get_by_label("Madlavning og sund mad").check()
    page.get_by_label("Hverdage, formiddag").check()
    page.get_by_label("År med type 2-diabetes").fill("12")
    snapshot(page, "journey3-supporter-survey-phone")
    page.get_by_role("button", name="Gem spørgeskemaet").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Matchskemaet er gemt.")).to_be_visible()
    check_page(page)


def test_journey_3_surveys_proposal_agreement_and_match_meeting(
    open_page, manager, supporter, pool
):
    hanne, bent = pool
    phone = open_page("phone")
    log_in(phone, supporter.username, PASSWORD)
    _supporter_fills_her_survey_on_a_phone(phone)

    page = open_page("desktop")
    log_in(page, manager.username, PASSWORD)
    page.get_by_role("link", name="Matchning", exact=True).click()
    check_page(page)

    # The manager fills the peer's survey with him.
    page.get_by_role("link", name="Matchskemaer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matchskemaer i Copenhagen")
    check_page(page)
    page.get_by_role("row").filter(has_text="Bent Madsen").get_by_role(
        "link", name="Udfyld"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matchskema: Bent Madsen")
    check_page(page)
    page.get_by_label("Dansk", exact=True).check()
    page.get_by_label("Gåture og motion").check()
    page.get_by_label("Medicin og blodsukkermålinger").check()
    page.get_by_label("Hverdage, formiddag").check()
    page.get_by_label("Hverdage, eftermiddag").check()
    page.get_by_label("År med type 2-diabetes").fill("6")
    page.get_by_label("Ensomhed, intet socialt netværk").check()
    page.get_by_role("button", name="Gem spørgeskemaet").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Matchskemaet er gemt.")).to_be_visible()
    # Back on the peer's candidates: Hanne is ranked.
    expect(page.get_by_role("heading", name="1. Hanne Larsen")).to_be_visible()
    check_page(page)

    # A proposal; the manager reads why Hanne is proposed for Bent.
    page.get_by_role("link", name="Matchning", exact=True).click()
    page.get_by_role("button", name="Foreslå par").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Forslaget er klar: 1 par til 1 peer, der venter på en peer-støtte.")
    ).to_be_visible()
    snapshot(page, "journey3-proposal")
    check_page(page)
    proposal = page.get_by_role("row").filter(has_text="Bent Madsen")
    proposal.get_by_role("link", name="Hanne Larsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bent Madsen og Hanne Larsen")
    expect(page.get_by_role("heading", name="Score")).to_be_visible()
    shared = page.locator("tr.table-success")
    assert shared.filter(has_text="Gåture og motion").count() >= 1
    expect(page.get_by_text(re.compile(r"\d+ lighed(er)?: "))).to_be_visible()
    home = page.get_by_role("row").filter(has_text="Bopæl")
    expect(home).to_contain_text("0,0 km fra hinanden")  # Danish decimals
    snapshot(page, "journey3-explanation")
    check_page(page)

    # Accept the proposal: the pair is proposed to both.
    page.get_by_role("link", name="Matchning", exact=True).click()
    page.get_by_role("row").filter(has_text="Bent Madsen").get_by_role(
        "button", name="Acceptér"
    ).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Parret er foreslået til begge: registrér deres svar.")).to_be_visible()
    check_page(page)

    # Both say yes.
    for side in ("Peeren", "Peer-støtten"):
        answer = page.locator("section", has=page.get_by_role("heading", name="Registrér et svar"))
        answer.get_by_label("Hvem").select_option(label=side)
        answer.get_by_label("Siger ja til matchet").check()
        answer.get_by_role("button", name="Gem svaret").click()
        page.wait_for_load_state()
        expect(page.get_by_text("Svaret er registreret.")).to_be_visible()
        check_page(page)
    expect(page.get_by_text("Godkendt af begge")).to_be_visible()

    # Plan the match meeting, then record it as held.
    today = timezone.localdate()
    plan = page.locator("section", has=page.get_by_role("heading", name="Planlæg matchmødet"))
    plan.get_by_label("Dato og tidspunkt").fill(f"{today.isoformat()}T10:00")
    plan.get_by_label("Sted").fill("Caféen i Sundhedshuset")
    plan.get_by_role("button", name="Gem planen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Matchmødet er planlagt.")).to_be_visible()
    check_page(page)
    held = page.locator("section", has=page.get_by_role("heading", name="Registrér matchmødet"))
    held.get_by_label("Holdt den").fill(today.isoformat())
    held.get_by_label("Forventninger").fill("Bent vil gerne i gang med at gå ture igen.")
    held.get_by_label("Ønsker til møderne").fill("Formiddage, gerne ude.")
    held.get_by_label("Ugedag for møderne").select_option(label="torsdag")
    held.get_by_label("Tidspunkt").fill("10:00")
    held.get_by_label("Sædvanligt sted").fill("Assistens Kirkegård, hovedindgangen")
    snapshot(page, "journey3-match-meeting")
    held.get_by_role("button", name="Matchmødet er holdt").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Matchmødet er registreret: parret er aktivt.")).to_be_visible()
    expect(page.get_by_text("Aktiv", exact=False).first).to_be_visible()
    snapshot(page, "journey3-pair-active")
    check_page(page)

    # The same page, the pair's one page, shows its meetings: every second Thursday at 10, at
    # the place they agreed on.
    expect(page.get_by_role("heading", name="Tidslinje")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Normalt torsdag kl\. 10:00, Assistens Kirkegård"))
    ).to_be_visible()
    expect(page.get_by_text("0 holdt · 13 planlagt · 0 aflyst")).to_be_visible()
    snapshot(page, "journey3-meeting-plan")
    check_page(page)

    pair = Pair.objects.get()
    assert (pair.peer, pair.supporter, pair.status) == (bent, hanne, PairStatus.ACTIVE)
    assert pair.meetings.filter(planned_at__gt=timezone.now()).exists()
    assert MatchSurvey.objects.get(participant=hanne, is_current=True).filled_by == supporter
