"""Reminder rules: how the apps above the platform plan their reminders in the outbox.

A rule is a function `plan(*, now) -> int` that reads its app's records and plans (or cancels)
the outbox rows they call for, idempotent on the rows' keys, and returns how many it wants.
Each app registers its rules in its AppConfig.ready(); beat runs them all every ten minutes
(`tasks.plan_reminders`), so the outbox plans an app's reminders without importing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

# A rule: plan(*, now) -> how many reminders it wants.
ReminderRule = Callable[..., int]

_rules: list[ReminderRule] = []


def register_reminder_rule(rule: ReminderRule) -> None:
    """Run `rule` with the others (once, however often it is registered)."""
    if rule not in _rules:
        _rules.append(rule)


def reminder_rules() -> list[ReminderRule]:
    """The registered rules, in the order they run."""
    return list(_rules)


def plan_reminders(*, now: dt.datetime | None = None) -> int:
    """Run every registered rule; returns how many reminders they want in all."""
    now = now or timezone.now()
    return sum(rule(now=now) for rule in _rules)
