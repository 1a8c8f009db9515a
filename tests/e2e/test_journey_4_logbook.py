"""Journey 4, in a real browser on a phone: the supporter sees the pair's meeting plan, records
that a meeting was held and writes its logbook, asking for support. Her session times out while
she types (she was idle too long); the autosave then reaches a login wall, the page tells her so,
and after logging in again what she typed is there, kept on the server as a draft. Then she
submits. A second test fills and submits the whole logbook with the keyboard alone; a third saves
a request for support as a draft, reloads, submits and edits it, and nothing is lost. Every page
passes axe's serious/critical checks."""

import datetime as dt
import re
import time
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from logbooks.models import Logbook, LogbookStatus, MeetingStatus
from logbooks.services import pair_start
from tests.browser import log_in, screenshot
from tests.conftest import PASSWORD
from tests.e2e.journey_helpers import snapshot
from tests.e2e.quality import check_page
from tests.logbooks.conftest import make_pair
from tod.accounts.middleware import LAST_SEEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def active_pair(site, supporter, manager):
    """Where journey 3 left off: the match meeting was held three weeks ago, so the first
    meeting of the plan lies in the past and the rest are ahead."""
    pair = make_pair(site, supporter, last_name="Madsen")
    return pair_start(
        pair=pair,
        match_meeting_on=timezone.localdate() - dt.timedelta(days=20),
        by=manager,
        time=dt.time(10),
        place="Caféen i Sundhedshuset",
    )


def _idle_too_long(page) -> None:
    """Make the browser's session look idle past SESSION_IDLE_TIMEOUT, as if she had put the
    phone down for longer than that: the server ends it at her next request."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    session[LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT - 60
    session.save()


def test_journey_4_a_held_meeting_and_its_logbook_survive_a_session_time_out(
    open_page, supporter, active_pair
):
    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Hanne")
    expect(page.get_by_role("heading", name="Næste møder")).to_be_visible()
    check_page(page)

    # The meeting plan: the pair's timeline, one meeting every second week.
    page.get_by_role("link", name=re.compile(r"\d+\. \w+ 10:00")).first.click()
    expect(page.get_by_role("heading", name="Tidslinje")).to_be_visible()
    meetings = page.get_by_role("listitem").filter(has_text="10:00")
    assert meetings.count() == 13
    expect(page.get_by_text("0 holdt · 13 planlagt · 0 aflyst")).to_be_visible()
    snapshot(page, "journey4-meeting-plan-phone")
    check_page(page)

    # The first meeting was held: she records it.
    meetings.first.get_by_role("link", name="Registrér udfald").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrér udfald")
    check_page(page)
    page.get_by_label("Holdt", exact=True).check()
    page.get_by_label("Varighed (minutter)").fill("75")
    page.get_by_label("Aktivitet").fill("Gåtur i Fælledparken")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Mødets udfald er registreret.")).to_be_visible()
    expect(page.get_by_text("1 holdt · 12 planlagt · 0 aflyst")).to_be_visible()
    check_page(page)

    # The logbook of that meeting.
    page.get_by_role("link", name="Skriv logbog").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logbog")
    # A Danish date: the weekday and the month in lower case.
    expect(
        page.get_by_text(re.compile(r"^Dit møde med Bent, [a-zø]+dag \d{1,2}\. [a-z]+$"))
    ).to_be_visible()
    activities = page.get_by_label("1. Hvad lavede I sammen?")
    expect(activities).to_have_value("Gåtur i Fælledparken")  # from the recorded outcome
    activities.fill("Gåtur i Fælledparken og kaffe bagefter")
    page.get_by_text("Fysisk aktivitet", exact=True).click()
    page.get_by_text("Ensomhed", exact=True).click()
    page.get_by_label("8. Mødte du en udfordring?").fill("Bent er meget alene i weekenderne.")
    page.locator("fieldset").filter(has_text="9. Har du brug for støtte").get_by_text(
        "Ja", exact=True
    ).click()
    page.get_by_label("10. Hvad har du brug for støtte til?").fill(
        "Hvordan jeg kan hjælpe ham med at finde et fællesskab."
    )
    snapshot(page, "journey4-logbook-phone")
    check_page(page)

    # She puts the phone down for too long; the autosave meets the ended session.
    _idle_too_long(page)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Du er blevet logget ud. Log ind igen: din tekst er gemt.")
    snapshot(page, "journey4-session-ended-phone")
    check_page(page)
    status.get_by_role("link", name="Log ind").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    check_page(page)
    page.get_by_label("Brugernavn").fill(supporter.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()

    # Back on the logbook: what she typed is there, and kept on the server as a draft.
    expect(page.get_by_role("heading", level=1)).to_have_text("Logbog")
    expect(
        page.get_by_text("Du var blevet logget ud: det du skrev er gemt her. Tjek det og indsend.")
    ).to_be_visible()
    expect(page.get_by_label("1. Hvad lavede I sammen?")).to_have_value(
        "Gåtur i Fælledparken og kaffe bagefter"
    )
    expect(page.get_by_label("10. Hvad har du brug for støtte til?")).to_have_value(
        "Hvordan jeg kan hjælpe ham med at finde et fællesskab."
    )
    draft = Logbook.objects.get()
    assert draft.status == LogbookStatus.DRAFT
    assert draft.activities == "Gåtur i Fælledparken og kaffe bagefter"
    assert draft.needs_support and draft.topics == ["physical_activity", "loneliness"]
    snapshot(page, "journey4-logbook-restored-phone")
    check_page(page)

    page.get_by_role("button", name="Indsend logbog").click()
    expect(page.get_by_text("Tak! Din logbog er sendt til projektlederen.")).to_be_visible()
    check_page(page)
    draft.refresh_from_db()
    assert draft.status == LogbookStatus.SUBMITTED
    assert draft.meeting.status == MeetingStatus.HELD

    # The pair's timeline shows the logbook with its request for support.
    page.goto(f"/logbooks/pairs/{active_pair.pk}/")
    entry = page.get_by_role("listitem").filter(has_text="Gåtur i Fælledparken")
    expect(entry.get_by_text("Beder om støtte")).to_be_visible()
    check_page(page)


def test_journey_4_a_draft_saved_after_the_session_cookie_is_gone_is_kept(
    open_page, supporter, active_pair
):
    """The plain form, without the autosave: she presses "Save draft" after her session cookie
    is gone (the phone's browser dropped it); the login comes first, then her text is back."""
    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    page.get_by_role("heading", name="Logbøger der skal skrives").wait_for()
    page.locator("a[href*='/logbook/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logbog")
    page.get_by_label("1. Hvad lavede I sammen?").fill("Kaffe hos Bent")
    page.get_by_label("7. Dine egne refleksioner efter mødet").fill("Det gik godt.")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="Gem kladde").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=.*logbook"))
    check_page(page)
    page.get_by_label("Brugernavn").fill(supporter.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logbog")
    expect(page.get_by_text("Du var blevet logget ud: det du skrev er gemt her.")).to_be_visible()
    expect(page.get_by_label("1. Hvad lavede I sammen?")).to_have_value("Kaffe hos Bent")
    expect(page.get_by_label("7. Dine egne refleksioner efter mødet")).to_have_value(
        "Det gik godt."
    )
    check_page(page)
    draft = Logbook.objects.get()
    assert (draft.status, draft.activities) == (LogbookStatus.DRAFT, "Kaffe hos Bent")


def _tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the focus is on an element matching the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _type(page, selector: str, text: str) -> None:
    _tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def _checked(page, name: str) -> list[str]:
    return page.evaluate(
        "(n) => [...document.querySelectorAll(`input[name=${n}]:checked`)].map(i => i.value)",
        name,
    )


def test_journey_4_the_whole_logbook_with_the_keyboard_alone(open_page, supporter, active_pair):
    """Tab, Space, the arrow keys and Enter; no mouse click after logging in."""
    page = open_page("phone")
    log_in(page, supporter.username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Hanne")

    # From her page to the logbook to write.
    _tab_to(page, "a[href*='/logbook/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logbog")

    _type(page, "[name=activities]", "Vi lavede mad sammen")
    _type(page, "[name=place]", "Hjemme hos Bent")
    _type(page, "[name=duration_minutes]", "90")
    _tab_to(page, "input[name=topics][value=food]")
    page.keyboard.press("Space")
    # The focused choice button shows where the focus is.
    shadow = page.evaluate(
        "() => getComputedStyle(document.activeElement.nextElementSibling).boxShadow"
    )
    assert shadow != "none"
    _type(page, "[name=relationship]", "Vi er ved at lære hinanden at kende.")
    _type(page, "[name=challenges]", "Han glemmer sin medicin.")
    _tab_to(page, "input[name=needs_support]")  # none is chosen for her: lands on "Nej"
    page.keyboard.press("ArrowRight")  # "Ja"
    assert _checked(page, "needs_support") == ["1"]
    _type(page, "[name=support_with]", "Gode råd om påmindelser.")
    for name in ("trust", "respect", "empathy", "care", "honesty", "equal"):
        _tab_to(page, f"input[name=scale_{name}]")
        page.keyboard.press("Space")  # 1
        for _ in range(3):
            page.keyboard.press("ArrowRight")  # up to 4
        assert _checked(page, f"scale_{name}") == ["4"], name
    _tab_to(page, "input[name=role_perception]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert _checked(page, "role_perception") == ["both"]
    screenshot(page, "journey4-logbook-keyboard-phone")  # the focus stays where it is
    check_page(page)

    _tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Tak! Din logbog er sendt til projektlederen.")).to_be_visible()

    logbook = Logbook.objects.get()
    assert logbook.status == LogbookStatus.SUBMITTED
    assert logbook.activities == "Vi lavede mad sammen"
    assert (logbook.place, logbook.duration_minutes) == ("Hjemme hos Bent", 90)
    assert logbook.topics == ["food"]
    assert logbook.needs_support and logbook.support_with == "Gode råd om påmindelser."
    assert logbook.scale_trust == logbook.scale_equal == 4
    assert logbook.role_perception == "both"


# --- A request for support, saved as a draft, reloaded, submitted, and edited (issue 19) --------

TYPED = {
    "activities": "Vi gik en tur langs Søerne",
    "place": "Søerne, København Ø",
    "duration_minutes": 80,
    "topics": ["physical_activity", "loneliness"],
    "relationship": "Vi griner meget sammen.",
    "improvements": "Bent går nu en tur hver dag.",
    "reflections": "Jeg skal huske at lytte mere end jeg taler.",
    "challenges": "Bent er meget alene i weekenderne.",
    "needs_support": True,
    "support_with": "Hvordan jeg kan hjælpe ham med at finde et fællesskab.",
    "scale_trust": 4,
    "scale_respect": 5,
    "scale_empathy": 3,
    "scale_care": 4,
    "scale_honesty": 5,
    "scale_equal": 2,
    "role_perception": "both",
}
TEXTS = {
    "activities": "1. Hvad lavede I sammen?",
    "place": "2. Hvor mødtes I?",
    "relationship": "5. Hvordan går jeres relation?",
    "improvements": "6. Har du set forbedringer hos din deltager?",
    "reflections": "7. Dine egne refleksioner efter mødet",
    "challenges": "8. Mødte du en udfordring?",
    "support_with": "10. Hvad har du brug for støtte til?",
}
TOPICS = {"physical_activity": "Fysisk aktivitet", "loneliness": "Ensomhed"}
SCALES = {
    "scale_trust": "Tillid",
    "scale_respect": "Respekt",
    "scale_empathy": "Empati",
    "scale_care": "Omsorg",
    "scale_honesty": "Ærlighed",
    "scale_equal": "At være ligeværdige",
}


def _answer_every_question(page, typed: dict) -> None:
    for name, label in TEXTS.items():
        page.get_by_label(label, exact=True).fill(typed[name])
    page.get_by_label("3. Hvor længe varede mødet (minutter)?").fill(str(typed["duration_minutes"]))
    for name in typed["topics"]:
        page.get_by_text(TOPICS[name], exact=True).click()
    page.locator("fieldset").filter(has_text="9. Har du brug for støtte").get_by_text(
        "Ja", exact=True
    ).click()
    for name, legend in SCALES.items():
        scale = page.locator("fieldset").filter(has=page.get_by_text(legend, exact=True))
        scale.get_by_text(str(typed[name]), exact=True).click()
    page.get_by_text("Begge dele", exact=True).click()


def _expect_every_answer(page, typed: dict) -> None:
    """Every answer is on the page as it was typed, the choices checked."""
    for name, label in TEXTS.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(typed[name])
    expect(page.get_by_label("3. Hvor længe varede mødet (minutter)?")).to_have_value(
        str(typed["duration_minutes"])
    )
    assert _checked(page, "topics") == typed["topics"]
    assert _checked(page, "needs_support") == ["1"]  # "Ja"
    for name in SCALES:
        assert _checked(page, name) == [str(typed[name])], name
    assert _checked(page, "role_perception") == [typed["role_perception"]]


def _stored(logbook) -> dict:
    logbook.refresh_from_db()
    return {name: getattr(logbook, name) for name in TYPED}


def _noon_in_copenhagen() -> dt.datetime:
    """Midday today in Copenhagen: the outbox sends at once, outside the quiet hours of SMS."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))


def test_journey_4_a_request_for_support_survives_a_draft_a_reload_and_edit(
    open_page, supporter, manager, active_pair
):
    """Issue 19: "Ja" to question 9 came back unchecked after "Gem kladde", and submitting then
    stored No without alerting the manager; "Rediger" lost it the same way."""
    from tod.outbox.models import Reminder, ReminderKind
    from tod.outbox.services import outbox_sweep

    manager.email = "maria@example.org"
    manager.save(update_fields=["email"])
    with time_machine.travel(_noon_in_copenhagen(), tick=True):
        page = open_page("phone")
        log_in(page, supporter.username, PASSWORD)
        page.get_by_role("heading", name="Logbøger der skal skrives").wait_for()
        page.locator("a[href*='/logbook/']").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Logbog")
        assert _checked(page, "needs_support") == []  # no answer chosen for her
        _answer_every_question(page, TYPED)
        check_page(page)

        page.get_by_role("button", name="Gem kladde").click()
        expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
        draft = Logbook.objects.get()
        assert (draft.status, _stored(draft)) == (LogbookStatus.DRAFT, TYPED)
        page.reload()
        _expect_every_answer(page, TYPED)
        snapshot(page, "journey4-support-draft-reloaded-phone")
        check_page(page)

        page.get_by_role("button", name="Indsend logbog").click()
        expect(page.get_by_text("Tak! Din logbog er sendt til projektlederen.")).to_be_visible()
        logbook = Logbook.objects.get()
        assert (logbook.status, _stored(logbook)) == (LogbookStatus.SUBMITTED, TYPED)
        alerts = Reminder.objects.filter(kind=ReminderKind.SUPPORT_REQUEST, recipient_user=manager)
        assert alerts.count() == 1  # the manager's alert is in the outbox
        outbox_sweep(max_seconds=None)
        assert [m for m in mail.outbox if m.to == ["maria@example.org"]]
        check_page(page)

        # "Rediger": every answer comes back; saved with one more reflection, nothing is lost.
        page.get_by_role("link", name="Rediger").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Logbog")
        _expect_every_answer(page, TYPED)
        edited = {**TYPED, "reflections": TYPED["reflections"] + " Og spørge ind til naboerne."}
        page.get_by_label(TEXTS["reflections"], exact=True).fill(edited["reflections"])
        page.get_by_role("button", name="Gem ændringer").click()
        expect(page.get_by_text("Tak! Din logbog er sendt til projektlederen.")).to_be_visible()
        assert (logbook.status, _stored(logbook)) == (LogbookStatus.SUBMITTED, edited)
        assert logbook.support_open  # the request stays open for the manager
        assert alerts.count() == 1  # the same request: no second alert
        page.get_by_role("link", name="Rediger").click()
        _expect_every_answer(page, edited)
        check_page(page)
