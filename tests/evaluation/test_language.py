"""The evaluation in the reader's language: the nurse's answers, the charts' words and numbers
(a decimal comma in Danish), the count of cases, the dates of the logbooks offered as evidence."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from evaluation import charts, reports, services
from evaluation.ranges import check_measures

from .conftest import make_case, record_evaluation


def in_language(client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    client.cookies["django_language"] = language


def svg_texts(page: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", page)


@pytest.fixture
def two_cases(case, site, programme_round, manager, evaluator, theory):
    record_evaluation(case, evaluator, theory=theory)
    second = make_case(site, programme_round, manager, date_of_birth=dt.date(1970, 1, 1))
    record_evaluation(second, evaluator, theory=theory)
    return case, second


def test_the_rehabilitation_answer_attending_reads_as_attending_in_danish(client, case, nurse):
    visit = services.nurse_visit_save(
        peer=case.peer,
        kind="pre",
        by=nurse,
        values={"visited_on": dt.date(2026, 1, 20), "rehabilitation": "attending"},
    )
    in_language(client, nurse, "da")
    page = client.get(reverse("evaluation:nurse_visit_detail", args=[visit.pk])).content.decode()
    assert "Diabetesrehabilitering" in page
    assert "I gang" in page
    form = client.get(
        reverse("evaluation:nurse_visit_edit", args=[case.peer_id, "post"])
    ).content.decode()
    assert re.search(r'value="attending"[^>]*>\s*I gang', form), "the form offers it as I gang"


def test_the_before_and_after_charts_speak_danish_with_decimal_commas(client, two_cases, evaluator):
    in_language(client, evaluator, "da")
    page = client.get(reverse("evaluation:report_prepost")).content.decode()
    texts = svg_texts(page)
    assert texts.count("før") == texts.count("efter") == 10  # one pair of bars per measure
    assert "30,9" in texts  # BMI before, as the table above says it
    assert not {"pre", "post", "30.9"} & set(texts)
    assert "BMI (kg/m²): før og efter" in page  # each chart's title
    assert "before and after" not in page

    in_language(client, evaluator, "en")
    texts = svg_texts(client.get(reverse("evaluation:report_prepost")).content.decode())
    assert texts.count("before") == 10 and "30.9" in texts


def test_the_scatter_plot_writes_its_ticks_in_the_readers_language():
    with translation.override("da"):
        svg = charts.scatter([(2, 1)], x_label="x", y_label="y", title="t", x_max=5)
    assert "0,5" in svg_texts(svg) and "0.5" not in svg_texts(svg)
    assert "<title>2; 1 (n=1)</title>" in svg


def test_the_nurses_range_messages_write_decimals_the_danish_way():
    with translation.override("da"):
        errors, _ = check_measures({"hba1c_mmol_mol": Decimal("6.5")})
        _, warnings = check_measures({"weight_kg": Decimal("41.5"), "height_cm": Decimal("190")})
    assert "6,5" in errors["hba1c_mmol_mol"] and "6.5" not in errors["hba1c_mmol_mol"]
    assert re.search(r"BMI 11,5 ", warnings["bmi"]), warnings["bmi"]


def test_the_sample_table_writes_the_median_age_with_a_decimal_comma(two_cases, evaluator):
    with translation.override("da"):
        rows = reports.sample_table(evaluator, on=dt.date(2026, 9, 1))
    ages = next(r for r in rows if str(r.label) == "Median (spænd)")
    assert ages.peers == "62,5 (56-69)"


def test_the_number_of_cases_is_written_in_danish(client, two_cases, evaluator):
    in_language(client, evaluator, "da")
    page = client.get(reverse("evaluation:dashboard")).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)  # what is seen, not the links' addresses
    assert "2 caseforløb" in text
    assert not re.search(r"\bcases\b", text, re.IGNORECASE)


def test_logbooks_offered_as_evidence_are_dated_in_the_readers_format(case, supporter):
    from django.utils import timezone

    from evaluation.forms import LogbookChoiceField
    from logbooks.models import Logbook, LogbookStatus, Meeting, MeetingStatus

    meeting = Meeting.objects.create(
        pair=case,
        planned_at=timezone.now(),
        status=MeetingStatus.HELD,
        held_on=dt.date(2026, 2, 15),
    )
    logbook = Logbook.objects.create(
        meeting=meeting, author=supporter, status=LogbookStatus.SUBMITTED, reflections="x"
    )
    field = LogbookChoiceField(queryset=Logbook.objects.all())
    with translation.override("da"):
        assert field.label_from_instance(logbook) == "Logbog fra 15.02.2026"
    with translation.override("en"):
        assert field.label_from_instance(logbook) == "Logbook of 15/02/2026"
