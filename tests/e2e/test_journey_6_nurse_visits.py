"""Journey 6: the diabetes nurse, on a tablet, records a peer's pre-visit and, six months into the
pair, the post-visit; the values come back in Danish formats (decimal comma, dd.mm.yyyy)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from evaluation.models import NurseVisit
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.evaluation.conftest import make_case

from .quality import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def fill_visit(page, *, day, hba1c, pressure, weight, height, who5, paid5, medication):
    page.get_by_label("dato for besøget").fill(day.isoformat())
    page.get_by_label("HbA1c (mmol/mol)").fill(str(hba1c))
    page.get_by_label("systolisk blodtryk (mmHg)").fill(str(pressure[0]))
    page.get_by_label("diastolisk blodtryk (mmHg)").fill(str(pressure[1]))
    # Typed on the tablet's keyboard, with the Danish decimal comma.
    page.get_by_label("vægt (kg)").press_sequentially(weight)
    page.get_by_label("højde (cm)").press_sequentially(height)
    page.get_by_role("group", name="Nuværende diabetesmedicin").get_by_label(medication).check()
    for outer, answer in (("WHO-5 trivselsindeks", who5), ("PAID-5 diabetesbelastning", paid5)):
        questions = page.get_by_role("group", name=outer).get_by_role("group")
        assert questions.count() == 5
        for question in questions.all():
            # Touched near the far corner of the answer's target, away from the radio button.
            choice = question.get_by_label(answer, exact=True)
            target = target_of(page, choice)
            corner = (target["x"] + target["width"] - 4, target["y"] + target["height"] - 4)
            page.mouse.click(*corner)
            assert choice.is_checked()


def target_of(page, answer) -> dict:
    """The box a finger can touch to tick `answer` (a radio button): its label's box, which
    must hold the button's own box."""
    label = page.locator(f"label[for='{answer.get_attribute('id')}']")
    label.scroll_into_view_if_needed()
    box, target = answer.bounding_box(), label.bounding_box()
    assert target["x"] <= box["x"] and box["x"] + box["width"] <= target["x"] + target["width"]
    assert target["y"] <= box["y"] and box["y"] + box["height"] <= target["y"] + target["height"]
    return target


def assert_answers_are_large_targets(page):
    """Every answer of both questionnaires is a target of at least 44 x 44 CSS px (WCAG 2.5.5),
    and no two targets overlap."""
    for outer, answers_per_question in (
        ("WHO-5 trivselsindeks", 6),
        ("PAID-5 diabetesbelastning", 5),
    ):
        radios = page.get_by_role("group", name=outer).get_by_role("radio")
        assert radios.count() == 5 * answers_per_question
        targets = []
        for radio in radios.all():
            target = target_of(page, radio)  # in the viewport, scrolled to; on the page:
            scroll_x, scroll_y = page.evaluate("() => [window.scrollX, window.scrollY]")
            targets.append({**target, "x": target["x"] + scroll_x, "y": target["y"] + scroll_y})
        for target in targets:
            assert target["width"] >= 44 and target["height"] >= 44, (outer, target)
        for i, a in enumerate(targets):
            for b in targets[i + 1 :]:
                apart = (
                    a["x"] + a["width"] <= b["x"]
                    or b["x"] + b["width"] <= a["x"]
                    or a["y"] + a["height"] <= b["y"]
                    or b["y"] + b["height"] <= a["y"]
                )
                assert apart, (outer, a, b)


# A Thursday morning in Copenhagen; the clock runs on from there.
@time_machine.travel(dt.datetime(2026, 8, 6, 9, 30, tzinfo=ZoneInfo("Europe/Copenhagen")))
def test_the_nurse_records_pre_and_post_visits_on_a_tablet(
    open_page, site, programme_round, manager, nurse
):
    today = timezone.localdate()
    case = make_case(
        site,
        programme_round,
        manager,
        started_on=today - dt.timedelta(days=185),
        first_name="Bent",
        last_name="Holm",
    )
    page = open_page("tablet")
    log_in(page, nurse.username, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Sygeplejerskebesøg"
    row = page.get_by_role("row").filter(has_text="Bent Holm")
    check_page(page, "journey6-nurse-home-tablet")

    row.get_by_role("link", name="Registrér førbesøg").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Førbesøg (før interventionen)"
    assert_answers_are_large_targets(page)
    pre_day = case.started_on - dt.timedelta(days=7)
    fill_visit(
        page,
        day=pre_day,
        hba1c=70,
        pressure=(150, 90),
        weight="101,5",
        height="180",
        who5="Lidt af tiden",
        paid5="Et mindre problem",
        medication="Metformin",
    )
    check_page(page, "journey6-pre-visit-form-tablet")
    page.get_by_role("button", name="Gem besøget").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Besøget er gemt."
    pre = NurseVisit.objects.get(peer=case.peer, kind="pre")
    assert str(pre.weight_kg) == "101.5" and pre.medication == ["metformin"]
    assert pre.who5_score == 20 and pre.paid5_score == 5
    # Danish formats: the date as dd.mm.yyyy, decimals with a comma.
    assert page.get_by_text(f"Bent Holm · {pre_day:%d.%m.%Y}").is_visible()
    assert page.get_by_text("70 mmol/mol (8,6 %)").is_visible()
    assert page.get_by_text("101,5 kg · 180,0 cm · BMI 31,3").is_visible()
    check_page(page, "journey6-pre-visit-tablet")

    page.get_by_role("link", name="Tilbage til listen").click()
    page.wait_for_load_state()
    row = page.get_by_role("row").filter(has_text="Bent Holm")
    assert row.get_by_role("link", name=f"Udført {pre_day:%d.%m.%Y}").is_visible()
    row.get_by_role("link", name="Registrér efterbesøg").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Efterbesøg (efter seks måneder)"
    page.get_by_text(f"Førbesøget den {pre_day:%d.%m.%Y}").click()  # the pre-visit, to compare
    assert page.get_by_text("70 mmol/mol (8,6 %)").is_visible()
    fill_visit(
        page,
        day=today,
        hba1c=62,
        pressure=(140, 85),
        weight="98,5",
        height="180",
        who5="Det meste af tiden",
        paid5="Et mindre problem",
        medication="Metformin",
    )
    check_page(page, "journey6-post-visit-form-tablet")
    page.get_by_role("button", name="Gem besøget").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Besøget er gemt."
    assert page.get_by_text("62 mmol/mol (7,8 %)").is_visible()
    assert page.get_by_text("98,5 kg").is_visible()
    # The change per measure for this peer, in Danish number formats.
    changes = page.get_by_role("region", name="Ændring siden førbesøget")
    assert changes.get_by_role("row", name="HbA1c (mmol/mol)").inner_text().split() == [
        "HbA1c",
        "(mmol/mol)",
        "70",
        "62",
        "-8",
    ]
    assert changes.get_by_role("row", name="Vægt (kg)").inner_text().split()[-3:] == [
        "101,5",
        "98,5",
        "-3,0",
    ]
    check_page(page, "journey6-post-visit-tablet")
    page.get_by_role("link", name="Tilbage til listen").click()
    page.wait_for_load_state()
    row = page.get_by_role("row").filter(has_text="Bent Holm")
    assert row.get_by_role("link", name=f"Udført {today:%d.%m.%Y}").is_visible()
    check_page(page, "journey6-both-visits-done-tablet")
    assert NurseVisit.objects.filter(peer=case.peer).count() == 2
