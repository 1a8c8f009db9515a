"""Dashboard panels this app contributes (see tod.accounts.dashboards)."""

from tod.accounts.dashboards import Panel


def panels(request, dashboard: str) -> list[Panel]:
    return []
