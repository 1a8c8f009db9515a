"""Journey 2, in a real browser: the manager runs the two-day training course. Two recruited
supporters (programme consent given) wait for training; the manager creates the course, invites
them, records attendance on day 1 and day 2, and both become trained: nobody waits any more and
each can be matched. Every page passes axe's serious/critical checks."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programme import services
from programme.models import ConsentDecision, ConsentMethod, ConsentPurpose, Participant, Status
from tests.browser import log_in
from tests.conftest import PASSWORD, screen_eligible
from tests.e2e.journey_helpers import snapshot
from tests.e2e.quality import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consented_supporters(manager, supporter, other_supporter, programme_round):
    """The journey starts after recruitment: both supporters gave their programme consent."""
    people = list(Participant.objects.filter(user__in=[supporter, other_supporter]))
    for person in people:
        person.round = programme_round
        person.save(update_fields=["round"])
        screen_eligible(person, manager, on=timezone.localdate() - dt.timedelta(days=31))
        services.consent_record(
            participant=person,
            purpose=ConsentPurpose.PROGRAMME,
            decision=ConsentDecision.GIVEN,
            decided_on=timezone.localdate() - dt.timedelta(days=30),
            method=ConsentMethod.WRITTEN,
            by=manager,
        )
    return people


def _local(day: dt.date, hour: int) -> str:
    """The value a datetime-local field takes: the course days lie in the past (held)."""
    return f"{day.isoformat()}T{hour:02d}:00"


def _record_attendance(page, day_label: str, names: list[str]) -> None:
    card = page.locator(".card").filter(has=page.get_by_role("heading", name=day_label))
    card.get_by_role("link", name="Registrer fremmøde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Fremmøde: "))
    check_page(page)
    for name in names:
        page.get_by_label(name).check()
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Fremmødet er gemt.")).to_be_visible()


def test_journey_2_the_manager_runs_a_two_day_course(open_page, manager, consented_supporters):
    page = open_page("desktop")
    log_in(page, manager.username, PASSWORD)

    # Both supporters wait for training, missing both days.
    page.get_by_role("link", name="Kursus", exact=True).click()
    check_page(page)
    page.get_by_role("link", name="Venter på kursus").click()
    for name in ("Hanne Larsen", "Jens Nielsen"):
        row = page.get_by_role("row").filter(has_text=name)
        expect(row.get_by_role("cell", name="Begge dage")).to_be_visible()
    snapshot(page, "journey2-waiting-for-training")
    check_page(page)

    # A new course whose two days were held last week.
    page.get_by_role("link", name="Kurser", exact=True).click()
    page.get_by_role("link", name="Nyt kursus").click()
    check_page(page)
    today = timezone.localdate()
    first, second = today - dt.timedelta(days=8), today - dt.timedelta(days=1)
    page.get_by_label("Forløb").select_option(label="Copenhagen · 2026")
    page.get_by_label("Navn").fill("Peer-støttekursus, efterår")
    page.get_by_label("Underviser").fill("Lise Berg")
    page.get_by_label("Antal pladser").fill("10")
    page.get_by_label("Dag 1 starter").fill(_local(first, 9))
    page.get_by_label("Dag 1 slutter").fill(_local(first, 15))
    page.get_by_label("Sted for dag 1").fill("Sundhedshuset, lokale 2")
    page.get_by_label("Dag 2 starter").fill(_local(second, 9))
    page.get_by_label("Dag 2 slutter").fill(_local(second, 15))
    page.get_by_label("Sted for dag 2").fill("Sundhedshuset, lokale 2")
    snapshot(page, "journey2-new-course")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Kurset er oprettet. Inviter nu peer-støtterne.")).to_be_visible()
    check_page(page)

    # Invite both supporters.
    page.get_by_role("link", name="Inviter peer-støtter").click()
    check_page(page)
    page.get_by_label("Hanne Larsen").check()
    page.get_by_label("Jens Nielsen").check()
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    expect(page.get_by_text("2 inviteret.")).to_be_visible()
    expect(page.get_by_text("2 af 10 pladser besat")).to_be_visible()

    # Both attend day 1 and day 2.
    _record_attendance(page, "Dag 1", ["Hanne Larsen", "Jens Nielsen"])
    _record_attendance(page, "Dag 2", ["Hanne Larsen", "Jens Nielsen"])
    for name in ("Hanne Larsen", "Jens Nielsen"):
        row = page.get_by_role("row").filter(has_text=name)
        assert row.get_by_role("cell", name="deltog").count() == 2, name
    snapshot(page, "journey2-course-attendance")
    check_page(page)

    # Trained: nobody waits any more, and each can be matched.
    page.get_by_role("link", name="Kursus", exact=True).click()
    page.get_by_role("link", name="Venter på kursus").click()
    expect(page.get_by_text("Ingen venter.")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Rekruttering", exact=True).click()
    page.get_by_role("link", name="Hanne Larsen").click()
    expect(page.get_by_text("Uddannet", exact=True)).to_be_visible()
    expect(page.get_by_text("kan matches")).to_be_visible()
    snapshot(page, "journey2-supporter-trained")
    check_page(page)

    trained = Participant.objects.eligible_supporters()
    assert set(trained) == set(consented_supporters)
    assert {p.status for p in trained} == {Status.TRAINED}
