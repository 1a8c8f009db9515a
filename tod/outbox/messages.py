"""The text of every reminder, in the recipient's language.

Messages say when and where, never why: no diagnosis, no health content, not even the
programme's name (a peer in the study opened up only once he knew nothing would be reported).
The context holds plain values: `when` (an ISO datetime), `place`, `name`, `url`, `count`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from .channels import Message
from .models import Reminder, ReminderKind

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

K = ReminderKind
# Keyed by the kind's value: ReminderKind members are the strings a reminder row stores.
TEXTS: dict[str, tuple[StrPromise, StrPromise]] = {
    K.MEETING: (
        _("Reminder: meeting %(when)s"),
        _("Hello %(name)s. A reminder that you have a meeting %(when)s, %(place)s."),
    ),
    K.LOGBOOK: (
        _("Your logbook is waiting"),
        _("Hello %(name)s. Please fill in the logbook for your meeting of %(when)s: %(url)s"),
    ),
    K.PAPER_LOGBOOK: (
        _("Your logbook is waiting"),
        _(
            "Hello %(name)s. Please hand your paper logbook for your meeting of %(when)s to "
            "the project manager, or call them and tell them how it went."
        ),
    ),
    K.RISK_ALERT: (
        _("A pair needs your attention"),
        _("Hello %(name)s. A pair in your site needs your attention: %(url)s"),
    ),
    K.SUPPORT_REQUEST: (
        _("A supporter asks for support"),
        _("Hello %(name)s. A peer supporter has asked for support in a logbook: %(url)s"),
    ),
    K.TRAINING: (
        _("Training day %(when)s"),
        _("Hello %(name)s. Your training day is %(when)s, %(place)s."),
    ),
    K.SUPERVISION: (
        _("Supervision %(when)s"),
        _("Hello %(name)s. Supervision is %(when)s, %(place)s."),
    ),
    K.NETWORK_MEETING: (
        _("Network meeting %(when)s"),
        _("Hello %(name)s. The network meeting is %(when)s, %(place)s."),
    ),
    K.NURSE_VISIT: (
        _("A visit is due"),
        _("Hello %(name)s. A follow-up visit is due %(when)s: %(url)s"),
    ),
}


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


@lru_cache(maxsize=64)
def _texts(kind: str, language: str) -> tuple[str, str]:
    """The subject and body templates of a kind in a language (translations never change while
    the process runs, and the sweep renders thousands a second)."""
    subject, body = TEXTS[kind]
    with translation.override(language):
        return str(subject), str(body)


@lru_cache(maxsize=4096)
def _day(day: dt.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def _when(value: str, language: str) -> str:
    """A date ("5. maj 2026") or a moment ("5. maj 2026 12:00", Copenhagen time)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        try:
            return _day(dt.date.fromisoformat(value), language)
        except (TypeError, ValueError):
            return value or ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
        return f"{_day(moment.date(), language)} {moment:%H:%M}"
    return _day(moment.date(), language)


def render(reminder: Reminder, *, name: str = "", sender: str = "") -> Message:
    """The reminder's subject and text in its language; `sender` is the SMS sender of the
    reminder's site (empty: the gateway's default)."""
    language = reminder.language or settings.LANGUAGE_CODE
    subject, body = _texts(reminder.kind, language)
    values = _Values(reminder.context or {})
    values["when"] = _when(values.get("when", ""), language)
    if not values.get("name"):
        values["name"] = name
    url = values.get("url", "")
    if url.startswith("/"):
        values["url"] = getattr(settings, "SITE_URL", "").rstrip("/") + url
    return Message(subject=subject % values, text=body % values, sender=sender)
