"""The panels on the nurse's and the manager's dashboards, the printable case page and paging."""

import datetime as dt

import time_machine
from django.urls import reverse

from evaluation.pseudonyms import case_pseudonym

from .conftest import make_case, record_evaluation


@time_machine.travel(dt.datetime(2026, 7, 25, 9, 0), tick=False)
def test_nurse_panel_counts_visits_to_do(client, nurse, case):
    client.force_login(nurse)
    page = client.get(reverse("evaluation:nurse_home"))
    panel = next(p for p in page.context["panels"] if p.template_name.endswith("panel_nurse.html"))
    assert panel.context == {"pre_due": 1, "post_due": 1}


def test_manager_dashboard_shows_the_evaluation_panel(client, manager, case, evaluator):
    record_evaluation(case, evaluator)
    client.force_login(manager)
    page = client.get(reverse("programme:dashboard"))
    panel = next(
        p for p in page.context["panels"] if p.template_name.endswith("panel_evaluation.html")
    )
    assert panel.context == {"cases": 1, "aware": 1}


def test_printable_case_page_has_no_forms(client, evaluator, case):
    record_evaluation(case, evaluator)
    client.force_login(evaluator)
    page = client.get(reverse("evaluation:case_print", args=[case.pk])).content.decode()
    assert case_pseudonym(case.pk) in page
    assert "<form" not in page
    assert 'style="' not in page and "<script" not in page


def test_case_list_pages_through_many_cases(client, evaluator, site, programme_round, manager):
    for _ in range(27):
        make_case(site, programme_round, manager)
    client.force_login(evaluator)
    first = client.get(reverse("evaluation:case_list"))
    assert len(first.context["rows"]) == 25
    second = client.get(reverse("evaluation:case_list") + "?page=2")
    assert len(second.context["rows"]) == 2
    assert client.get(reverse("evaluation:case_list") + "?page=abc").status_code == 200


def test_pages_have_no_inline_styles_or_scripts(client, evaluator, case):
    record_evaluation(case, evaluator)
    client.force_login(evaluator)
    for name in (
        "evaluation:dashboard",
        "evaluation:report_prepost",
        "evaluation:report_engagement",
    ):
        page = client.get(reverse(name)).content.decode()
        assert 'style="' not in page
        assert "<svg" in page
