"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TypedChoiceField(forms.TypedChoiceField):
    """Django's TypedChoiceField, showing a stored value as its choice.

    Django renders the initial value with str(): a stored True is "True", which matches no
    choice whose key is "1", so no radio button is checked and saving the page again stores the
    empty value. (That lost a supporter's request for support: issue 19.) Here the stored value
    is shown as the key that `coerce` turns into it, so what was saved comes back checked."""

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        for key, _label in self.choices:
            if key != "" and _coerces_to(self.coerce, key, value):
                return key
        return value


def _coerces_to(coerce, key, value) -> bool:
    try:
        coerced = coerce(key)
    except (ValueError, TypeError):
        return False
    return type(coerced) is type(value) and coerced == value


class YesNoField(TypedChoiceField):
    """A question answered Yes or No with two radio buttons ("0"/"1"), for a nullable boolean:
    the stored answer comes back checked, and neither checked is None, not yet answered."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", [("0", _("No")), ("1", _("Yes"))])
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("required", False)
        super().__init__(coerce=lambda value: value == "1", empty_value=None, **kwargs)
