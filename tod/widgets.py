"""Form widgets shared by the apps."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (YYYY-MM-DD) whatever the language:
    with the Danish display format the box comes back empty and the saved date must be typed
    again."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FilterSelect(forms.Select):
    """Django's select, written in Python instead of through its templates (one template, an
    include for its attributes and one per option): the same HTML at a fraction of the cost,
    for the filters of busy list pages, drawn on every request. Grouped choices (optgroups)
    fall back to Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        wanted = set(self.format_value(value))
        options, chosen = [], False
        for option_value, label in choices:
            # As Django: the first option with the value is selected, never a second.
            selected = not chosen and str(option_value) in wanted
            chosen = chosen or selected
            options.append(
                f'<option value="{_escape(option_value)}"{" selected" if selected else ""}>'
                f"{_escape(label)}</option>"
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(options)),  # every value and label escaped by _escape
        )


class FilterTextInput(forms.TextInput):
    """Django's text box, written in Python like FilterSelect (the same HTML)."""

    def render(self, name, value, attrs=None, renderer=None):
        shown = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            "" if shown is None else format_html(' value="{}"', shown),
            flatatt(self.build_attrs(self.attrs, attrs)),
        )


def _escape(value) -> str:
    """Django's conditional_escape (safe strings kept as they are) without its lazy-argument
    wrapper, which costs more than the escaping of a short label."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
