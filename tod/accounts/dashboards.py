"""Dashboards are made of panels that each app contributes, so the manager's dashboard can show
recruitment, matching, pairs at risk and support requests without one view knowing every app.

Each module in settings.DASHBOARD_PANEL_MODULES has `panels(request, dashboard) -> list[Panel]`,
where `dashboard` is one of the names in DASHBOARDS. A panel must run a constant number of
queries whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

DASHBOARDS = ("manager", "supporter", "nurse", "supervisor", "evaluator")


@dataclass
class Panel:
    template_name: str
    context: dict = field(default_factory=dict)
    order: int = 50


@cache
def _modules():
    return [import_module(name) for name in settings.DASHBOARD_PANEL_MODULES]


def collect_panels(request: HttpRequest, dashboard: str) -> list[Panel]:
    if dashboard not in DASHBOARDS:
        raise ValueError(f"unknown dashboard {dashboard!r}")
    panels: list[Panel] = []
    for module in _modules():
        panels.extend(module.panels(request, dashboard))
    return sorted(panels, key=lambda panel: panel.order)


def count_all(user, **querysets) -> dict[str, int]:
    """{name: number of rows} of several querysets in ONE query, so a panel of counts costs one
    query whatever it counts. Each count is a scalar subquery over the user's sites (one row per
    site; MAX of the same value): the querysets must be scoped to the user's sites, and a user
    without a site gets zeros."""
    from django.db.models import F, Func, IntegerField, Max, Subquery

    from .models import Site

    def count(queryset):
        counted = queryset.order_by().annotate(
            _n=Func(F("pk"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
        )
        return Max(Subquery(counted.values("_n"), output_field=IntegerField()))

    row = Site.objects.filter(staff=user).aggregate(
        **{name: count(queryset) for name, queryset in querysets.items()}
    )
    return {name: value or 0 for name, value in row.items()}
