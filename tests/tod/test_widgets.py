"""Date boxes keep their value: a browser's date picker reads only ISO dates, so a form that
shows a saved date in the Danish format (26.11.2026) shows an empty box and the date must be
typed again (this happened to the nurse's visit date and the match meeting's date)."""

import datetime as dt

from django import forms
from django.utils import translation

from tests.security.test_form_fuzz import project_forms


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
