"""Date boxes keep their value: a browser's date picker reads only ISO dates, so a form that
shows a saved date in the Danish format (26.11.2026) shows an empty box and the date must be
typed again (this happened to the nurse's visit date and the match meeting's date)."""

import datetime as dt
import re

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from pytest_django.asserts import assertHTMLEqual

from tests.security.test_form_fuzz import project_forms
from tod.widgets import FilterSelect, FilterTextInput


def date_boxes():
    import importlib

    for module, name in sorted(project_forms()):
        form = getattr(importlib.import_module(module), name.split(".")[0])
        for field_name, field in form.base_fields.items():
            widget = field.widget
            if isinstance(widget, forms.DateInput):
                yield f"{name}.{field_name}", widget


def test_every_date_box_is_a_picker_that_shows_its_value_in_danish():
    boxes = list(date_boxes())
    assert len(boxes) >= 10
    with translation.override("da"):
        shown = {
            where: (
                widget.attrs.get("type", widget.input_type),
                widget.format_value(dt.date(2026, 11, 26)),
            )
            for where, widget in boxes
        }
    wrong = {where: value for where, value in shown.items() if value != ("date", "2026-11-26")}
    assert wrong == {}


CHOICES = [
    ("", "All statuses"),
    ("active", "Active"),
    ("withdrawn", 'Withdrawn <"early">'),
    (3, "Three"),
    (4, mark_safe("<b>Four</b>")),  # a safe label is written as it is, as Django does
    (5, gettext_lazy("Active")),
]


@pytest.mark.parametrize("value", [None, "", "active", "withdrawn", 3, "not-a-choice"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_status", "class": "form-select"}])
def test_the_filter_select_writes_the_same_html_as_djangos_select(value, attrs):
    """FilterSelect skips the templates for speed: it must stay what Django would write (the
    chosen option marked, labels escaped, the attributes kept)."""
    ours = FilterSelect(attrs={"required": False}, choices=CHOICES).render("status", value, attrs)
    django = forms.Select(attrs={"required": False}, choices=CHOICES).render("status", value, attrs)
    assertHTMLEqual(ours, django)
    assert "Withdrawn &lt;&quot;early&quot;&gt;" in ours


def test_the_filter_select_marks_the_choice_of_a_bound_filter_form():
    from programme.forms import ParticipantFilterForm

    with translation.override("en"):
        html = str(ParticipantFilterForm({"status": "withdrawn"})["status"])
    assertHTMLEqual(
        re.search(r'<option value="withdrawn"[^>]*>[^<]*</option>', html).group(0),
        '<option value="withdrawn" selected>Withdrawn</option>',
    )


def test_grouped_choices_fall_back_to_djangos_templates():
    grouped = [("Roles", [("peer", "Peer"), ("supporter", "Peer supporter")])]
    ours = FilterSelect(choices=grouped).render("kind", "peer")
    assertHTMLEqual(ours, forms.Select(choices=grouped).render("kind", "peer"))
    assert "<optgroup" in ours


@pytest.mark.parametrize("value", [None, "", "Ole", 'Hans "Ho" <b>', 42])
@pytest.mark.parametrize("attrs", [None, {"id": "id_q", "maxlength": "100", "required": True}])
def test_the_filter_text_input_writes_the_same_html_as_djangos(value, attrs):
    ours = FilterTextInput(attrs={"class": "form-control"}).render("q", value, attrs)
    django = forms.TextInput(attrs={"class": "form-control"}).render("q", value, attrs)
    assertHTMLEqual(ours, django)


def test_the_filter_select_marks_only_the_first_option_with_the_value():
    twice = [("a", "First"), ("a", "Second"), ("b", "Other")]
    ours = FilterSelect(choices=twice).render("x", "a")
    assertHTMLEqual(ours, forms.Select(choices=twice).render("x", "a"))
    assert ours.count("selected") == 1
