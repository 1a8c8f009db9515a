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
