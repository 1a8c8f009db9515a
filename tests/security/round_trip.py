"""Helpers of the round-trip tests (tests/security/test_form_round_trip.py).

- `Values`: what to store in one field: a hypothesis strategy, and the corner values every run
  covers whatever hypothesis draws (empty and maximal texts, every choice, both booleans, the
  lowest and highest number, dates at month ends).
- `form_values(form, names, **overrides)`: a `Values` per field, read from the form's own fields
  (their choices, lengths, bounds and whether they may be empty), as the values a stored object
  holds after the form saved them.
- `corner_examples(values)`: the corner values combined into whole examples: the k-th example
  takes every field's k-th corner, so a few examples cover every corner of every field.
- `browser(user)`: a WebTest app logged in as the user (past the second step of logging in), and
  `submit(form, button)`: the form's controls as a browser submits them (disabled ones left out).
- `row(model, pk)`: a stored row, column by column, and `differences(before, after)`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from hypothesis import strategies as st

# Text as people type it: letters of many scripts, digits, punctuation, symbols and emoji, and the
# characters HTML must escape. Left out: control characters (a browser normalises line ends and
# forms refuse NUL), surrogates, unassigned and private-use code points, and line separators.
TEXT_CHARACTERS = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs", "Cn", "Co", "Zl", "Zp")
)
MAXIMAL_PATTERN = "Æblegrød på Ærø <&> \"citat\" 'x' ünïcødé 🙂 שלום 漢字 "
DRAWN_TEXT_SIZE = 60  # drawn texts stay short; the corners hold the maximal one


@dataclass(frozen=True)
class Values:
    strategy: st.SearchStrategy
    corners: tuple


def maximal_text(length: int) -> str:
    """`length` characters of non-ASCII text, without whitespace at either end."""
    text = (MAXIMAL_PATTERN * (length // len(MAXIMAL_PATTERN) + 1))[:length]
    return text[:-1] + "x" if text[-1].isspace() else text


def text(max_length: int | None, *, required: bool, multiline: bool = False) -> Values:
    """Text as a form stores it: stripped at both ends, empty only where the field may be."""
    longest = max_length or 5000
    line = st.text(TEXT_CHARACTERS, max_size=min(longest, DRAWN_TEXT_SIZE))
    drawn = st.lists(line, max_size=3).map("\n".join) if multiline else line
    drawn = drawn.map(str.strip).map(lambda value: value[:longest].strip())
    if required:
        drawn = drawn.filter(bool)
    corners = (maximal_text(longest),) if required else ("", maximal_text(longest))
    if multiline:
        corners += (maximal_text(40) + "\n\n" + maximal_text(40),)
    return Values(drawn, corners)


def choices(values: list, *, empty: object = ...) -> Values:
    """One of `values` (or `empty`, where the field may stay unanswered)."""
    options = list(values) + ([] if empty is ... else [empty])
    return Values(st.sampled_from(options), tuple(options))


def subsets(values: list, *, required: bool = False) -> Values:
    """Some of `values`, in the order the form lists them (as a multiple choice stores them)."""
    order = {value: index for index, value in enumerate(values)}
    drawn = st.lists(st.sampled_from(values), unique=True, min_size=int(required)).map(
        lambda chosen: sorted(chosen, key=order.__getitem__)
    )
    corners = ([], list(values), list(values[::2]), list(values[1::2]))
    return Values(drawn, tuple(c for c in corners if c or not required))


def integers(low: int, high: int, *, required: bool) -> Values:
    drawn = st.integers(low, high)
    corners = (low, high)
    if not required:
        drawn = st.none() | drawn
        corners = (None, *corners)
    return Values(drawn, corners)


def decimals(low: Decimal, high: Decimal, places: int, *, required: bool) -> Values:
    drawn = st.decimals(low, high, places=places, allow_nan=False, allow_infinity=False)
    corners = (low, high)
    if not required:
        drawn = st.none() | drawn
        corners = (None, *corners)
    return Values(drawn, corners)


def month_ends(low: dt.date, high: dt.date) -> list[dt.date]:
    ends, year, month = [], low.year, low.month
    while (year, month) <= (high.year, high.month):
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        if low <= end <= high:
            ends.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def dates(low: dt.date, high: dt.date, *, required: bool = True) -> Values:
    """Any date in [low, high], often the last day of a month (29 February included)."""
    ends = month_ends(low, high)
    drawn = st.dates(low, high) | st.sampled_from(ends)
    leap = [d for d in ends if d.month == 2 and d.day == 29]
    corners = (ends[0], ends[-1], *leap[:1])
    if not required:
        drawn = st.none() | drawn
        corners = (None, *corners)
    return Values(drawn, corners)


# Hours a meeting or a session is planned for. A local time in the hour that summer time
# repeats (02:00-03:00 on the last Sunday of October) names two instants, and Django's form
# refuses it as ambiguous; nobody plans a meeting at that hour.
FIRST_HOUR, LAST_HOUR = 6, 22


def local_datetimes(low: dt.date, high: dt.date, *, required: bool = True) -> Values:
    """Aware datetimes in the current time zone, to the minute (what a datetime-local box
    holds), on any day in [low, high] and often at a month's end, late in the evening (a
    different date in UTC)."""
    days = dates(low, high)

    def aware(day: dt.date, hour: int, minute: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    drawn = st.builds(aware, days.strategy, st.integers(FIRST_HOUR, LAST_HOUR), st.integers(0, 59))
    ends = month_ends(low, high)
    corners = (aware(ends[0], LAST_HOUR, 59), aware(ends[-1], FIRST_HOUR, 0))
    if not required:
        drawn = st.none() | drawn
        corners = (None, *corners)
    return Values(drawn, corners)


def times(*, required: bool = True) -> Values:
    drawn = st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))
    corners = (dt.time(0, 0), dt.time(23, 59), dt.time(12, 30))
    if not required:
        drawn = st.none() | drawn
        corners = (None, *corners)
    return Values(drawn, corners)


def emails(*, required: bool) -> Values:
    local = st.from_regex(r"[a-z0-9+_-]{1,20}(\.[a-z0-9+_-]{1,10})?", fullmatch=True)
    domain = st.sampled_from(["example.dk", "post.example.com", "æblegård.dk"])
    drawn = st.builds(lambda a, b: f"{a}@{b}", local, domain)
    longest = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + ".dk"
    corners = (longest,) if required else ("", longest)
    if not required:
        drawn = st.just("") | drawn
    return Values(drawn, corners)


PHONE_NUMBERS = [
    "+4531234567",
    "+4520304050",
    "+4570102030",
    "+46701234567",
    "+4922112345678",
    "+447911123456",
]


def phones(*, required: bool) -> Values:
    return choices(PHONE_NUMBERS, empty=...) if required else choices(PHONE_NUMBERS, empty="")


def _bound(validators, kind, default, pick):
    limits = [
        v.limit_value() if callable(v.limit_value) else v.limit_value
        for v in validators
        if isinstance(v, kind)
    ]
    return pick(limits) if limits else default


def field_values(field: forms.Field, model_validators=()) -> Values:
    """The values a stored object may hold for a form field, read from the field itself (and
    from the validators of its model field, which a ModelForm runs when it validates)."""
    required = field.required
    validators = [*field.validators, *model_validators]
    if isinstance(field, forms.ModelMultipleChoiceField):
        pks = list(field.queryset.order_by("pk").values_list("pk", flat=True)[:6])
        return subsets(pks, required=required)
    if isinstance(field, forms.ModelChoiceField):
        pks = list(field.queryset.order_by("pk").values_list("pk", flat=True)[:6])
        return choices(pks) if required else choices(pks, empty=None)
    if isinstance(field, forms.MultipleChoiceField):
        return subsets([key for key, _label in field.choices], required=required)
    if isinstance(field, forms.NullBooleanField):
        return choices([False, True], empty=None)
    if isinstance(field, forms.BooleanField):
        return choices([False, True])
    if isinstance(field, forms.TypedChoiceField):
        offered = list(field.choices)
        keys = [key for key, _label in offered if key != ""]
        values = [field.coerce(key) for key in keys]
        has_empty = not required
        return choices(values, empty=field.empty_value) if has_empty else choices(values)
    if isinstance(field, forms.ChoiceField):
        offered = list(field.choices)
        keys = [key for key, _label in offered if key != ""]
        has_empty = not required
        return choices(keys, empty="") if has_empty else choices(keys)
    if isinstance(field, forms.EmailField):
        return emails(required=required)
    if type(field).__name__ == "PhoneNumberField":  # phonenumber_field's, a CharField
        return phones(required=required)
    if isinstance(field, forms.CharField):
        multiline = isinstance(field.widget, forms.Textarea)
        return text(field.max_length, required=required, multiline=multiline)
    if isinstance(field, forms.DecimalField):
        places = field.decimal_places or 0
        most = Decimal(10) ** ((field.max_digits or 9) - places) - Decimal(1) / 10**places
        low = Decimal(_bound(validators, MinValueValidator, -most, max))
        high = Decimal(_bound(validators, MaxValueValidator, most, min))
        return decimals(low, high, places, required=required)
    if isinstance(field, forms.IntegerField):
        low = _bound(validators, MinValueValidator, 0, max)
        high = _bound(validators, MaxValueValidator, 32767, min)
        return integers(low, high, required=required)
    if isinstance(field, forms.DateTimeField):
        today = timezone.localdate()
        return local_datetimes(today - dt.timedelta(days=400), today + dt.timedelta(days=400))
    if isinstance(field, forms.DateField):
        today = timezone.localdate()
        return dates(today - dt.timedelta(days=800), today, required=required)
    if isinstance(field, forms.TimeField):
        return times(required=required)
    raise TypeError(f"no values for {type(field).__name__}: give them in the case")


def form_values(form: forms.BaseForm, names, **overrides: Values) -> dict[str, Values]:
    """A `Values` for each named field of an unbound form (as the view builds it)."""
    model = getattr(getattr(form, "_meta", None), "model", None)

    def model_validators(name):
        if model is None:
            return ()
        try:
            return model._meta.get_field(name).validators
        except FieldDoesNotExist:  # a field of the form only
            return ()

    return {
        name: overrides[name]
        if name in overrides
        else field_values(form.fields[name], model_validators(name))
        for name in names
    }


def corner_examples(values: dict[str, Values]) -> list[dict]:
    """Whole examples made of the corners: the k-th takes each field's k-th corner (cycling), so
    max(len(corners)) examples cover every corner of every field."""
    count = max(len(v.corners) for v in values.values())
    return [
        {name: v.corners[k % len(v.corners)] for name, v in values.items()} for k in range(count)
    ]


def drawn(values: dict[str, Values]) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({name: v.strategy for name, v in values.items()})


# --- The browser -------------------------------------------------------------------------------


def browser(user):
    """A WebTest app with the user's session: logged in and past the second step, as
    tests/conftest.py's VerifiedClient."""
    from django_webtest import DjangoTestApp

    from tests.conftest import VerifiedClient

    client = VerifiedClient()
    client.force_login(user)
    app = DjangoTestApp()
    app.set_cookie(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return app


def page_form(page, action: str):
    """The form of the page that posts to `action` (a form without an action posts to the
    page itself)."""
    from urllib.parse import urljoin, urlsplit

    found = [
        form
        for key, form in page.forms.items()
        if isinstance(key, int)
        and form.method.lower() == "post"
        and urlsplit(urljoin(page.request.path, form.action or page.request.path)).path == action
    ]
    assert len(found) == 1, f"{len(found)} forms post to {action} on {page.request.path}"
    return found[0]


def submit(form, button: tuple[str, str] | None = None):
    """Submit as a browser does: every enabled control's value (the checked radios and
    checkboxes, the selected options, text, textareas and hidden fields), and the name and value
    of the button tapped, if it has a name. Disabled controls are not sent."""
    for name, field in list(form.field_order):
        if "disabled" in field.attrs:
            form.field_order.remove((name, field))
            form.fields[name].remove(field)
    if button is None:
        return form.submit()
    name, value = button
    return form.submit(name, value=value)


def problems_on(response) -> list[str]:
    """What a person would read as "not saved": the page came back with errors, or the page it
    led to shows an error message."""
    import re

    if response.status_int in (301, 302, 303):
        response = response.follow()
    if response.status_int >= 400 or response.status_int not in (200,):
        return [f"status {response.status_int}"]
    found = []
    context = response.context
    form = context.get("form") if context is not None and "form" in context else None
    if form is not None and getattr(form, "errors", None):
        found += [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    html = response.text
    for match in re.finditer(
        r'class="(?:alert alert-danger|invalid-feedback)[^"]*"[^>]*>(.*?)<', html
    ):
        if match.group(1).strip():
            found.append(match.group(1).strip())
    return found


# --- The stored rows ---------------------------------------------------------------------------


def row(model, **lookup) -> dict:
    """The stored row, column by column (foreign keys as ids, JSON as stored)."""
    return model._default_manager.filter(**lookup).values().get()


def short(value, length: int = 70) -> str:
    """A value's repr, long texts cut in the middle."""
    text = repr(value)
    return text if len(text) <= length else f"{text[: length // 2]}…{text[-length // 2 :]}"


def differences(before: dict, after: dict, ignore=()) -> list[str]:
    return [
        f"{name}: {short(before.get(name))} -> {short(after.get(name))}"
        for name in sorted(set(before) | set(after))
        if name not in ignore and before.get(name) != after.get(name)
    ]
