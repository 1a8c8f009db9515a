"""Dashboard panels this app contributes (see tod.accounts.dashboards). Each runs a fixed
number of queries."""

from __future__ import annotations

from django.utils import timezone

from tod.accounts.dashboards import Panel, count_all
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission

from .models.choices import OutcomeKind, OutcomeResult
from .models.visits import post_visit_is_early


def _nurse_panel(request) -> Panel:
    from .views.nurse import peers_with_visits

    today = timezone.localdate()
    peers = peers_with_visits(request.user)
    pre_due = peers.filter(pre_on__isnull=True).count()
    post_due = 0
    for status, started, ended in peers.filter(
        post_on__isnull=True, pair_started_on__isnull=False
    ).values_list("pair_status", "pair_started_on", "pair_ended_on"):
        if not post_visit_is_early(
            pair_status=status, started_on=started, ended_on=ended, today=today
        ):
            post_due += 1
    return Panel("evaluation/panel_nurse.html", {"pre_due": pre_due, "post_due": post_due}, 10)


def _evaluation_panel(request) -> Panel:
    from .models import Outcome
    from .reports import cases_for

    cases = cases_for(request.user)
    counts = count_all(
        request.user,
        cases=cases,
        aware=Outcome.objects.filter(
            pair__in=cases, kind=OutcomeKind.SELF_CARE_AWARENESS, result=OutcomeResult.YES
        ),
    )
    return Panel("evaluation/panel_evaluation.html", counts, 80)


def panels(request, dashboard: str) -> list[Panel]:
    if dashboard == "nurse" and has_permission(request.user, Permission.VIEW_NURSE_HOME):
        return [_nurse_panel(request)]
    if dashboard == "manager" and has_permission(request.user, Permission.VIEW_EVALUATION):
        return [_evaluation_panel(request)]
    return []
