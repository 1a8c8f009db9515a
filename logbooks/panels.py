"""Dashboard panels this app contributes (see tod.accounts.dashboards). Each runs a constant
number of queries whatever the number of pairs."""

import datetime as dt

from django.db.models import Case, Count, Q, Value, When, Window
from django.utils import timezone

from tod.accounts.dashboards import Panel
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission

from .models import Logbook, LogbookStatus, Meeting
from .queries import pairs_at_risk, pairs_awaiting_outcome, pairs_for_user, risk_reasons

SHOWN = 10


def panels(request, dashboard: str) -> list[Panel]:
    user = request.user
    if dashboard == "manager" and has_permission(user, Permission.MANAGE_PAIRS):
        waiting = _manager_outcome_missing(user)
        return [*waiting, _manager_risk(user), _manager_logbooks(user)]
    if dashboard == "supporter" and has_permission(user, Permission.VIEW_OWN_PAIRS):
        return [_supporter_meetings(user)]
    return []


def _manager_risk(user) -> Panel:
    today = timezone.localdate()
    # The total comes with the rows (a window over every pair at risk, before the LIMIT).
    at_risk = (
        pairs_at_risk(pairs_for_user(user), today=today)
        .annotate(at_risk_total=Window(Count("pk")))
        .order_by("quiet_since", "id")
    )
    shown = list(at_risk[:SHOWN])
    for pair in shown:
        # The template reads the badges off the row, as the pair list does (logbooks.views).
        pair.risks = risk_reasons(pair, today=today)  # type: ignore[attr-defined]
    total = shown[0].at_risk_total if shown else 0
    return Panel("logbooks/panels/manager_risk.html", {"pairs": shown, "total": total}, order=20)


def _manager_outcome_missing(user) -> list[Panel]:
    """Pairs whose plan is over but that cannot complete (an outcome missing, or no meeting
    held): shown only when there are some, as they wait for the manager. One query."""
    waiting = list(
        pairs_awaiting_outcome(pairs_for_user(user), today=timezone.localdate())
        .annotate(waiting_total=Window(Count("pk")))
        .select_related("peer", "supporter")
        .order_by("started_on", "id")[:SHOWN]
    )
    if not waiting:
        return []
    return [
        Panel(
            "logbooks/panels/manager_outcome_missing.html",
            {"pairs": waiting, "total": waiting[0].waiting_total},
            order=19,
        )
    ]


def _manager_logbooks(user) -> Panel:
    # One query: the open support requests first, then the logbooks awaiting review, with a
    # window counting those awaiting review over all the rows (before the LIMIT). Only the
    # support requests among the first rows are shown.
    support_open = Q(needs_support=True, support_handled_at__isnull=True)
    rows = list(
        Logbook.objects.for_user(user)
        .submitted()
        .filter(support_open | Q(status=LogbookStatus.SUBMITTED))
        .annotate(
            to_review=Window(Count("pk", filter=Q(status=LogbookStatus.SUBMITTED))),
            support_first=Case(When(support_open, then=Value(0)), default=Value(1)),
        )
        .select_related("meeting__pair__peer", "meeting__pair__supporter")
        .order_by("support_first", "-submitted_at", "-id")[:SHOWN]
    )
    support = [logbook for logbook in rows if logbook.support_first == 0]
    to_review = rows[0].to_review if rows else 0
    return Panel(
        "logbooks/panels/manager_logbooks.html",
        {"support": support, "to_review": to_review},
        order=21,
    )


def _supporter_meetings(user) -> Panel:
    now = timezone.now()
    meetings = Meeting.objects.for_user(user)
    upcoming = list(meetings.upcoming(now).select_related("pair__peer")[:5])
    to_write = list(
        meetings.awaiting_logbook(now)
        .select_related("pair__peer", "logbook")
        .order_by("-planned_at")[:SHOWN]
    )
    commented = list(
        Logbook.objects.for_user(user)
        .filter(author=user, comments__created_at__gte=now - dt.timedelta(days=30))
        .select_related("meeting__pair__peer")
        .distinct()[:5]
    )
    return Panel(
        "logbooks/panels/supporter_meetings.html",
        {"upcoming": upcoming, "to_write": to_write, "commented": commented},
        order=10,
    )
