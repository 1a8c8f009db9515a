"""The role dashboards this app owns; every app adds panels through its panels.py."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tod.accounts.dashboards import collect_panels
from tod.accounts.permissions import requires
from tod.accounts.roles import Permission


@requires(Permission.VIEW_MANAGER_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The project manager's overview of the programme in their sites."""
    return render(
        request,
        "programme/dashboard_manager.html",
        {"panels": collect_panels(request, "manager")},
    )


@requires(Permission.VIEW_SUPPORTER_HOME)
def supporter_home(request: HttpRequest) -> HttpResponse:
    """A peer supporter's home: their peers, next meetings, logbooks to write, sessions."""
    return render(
        request,
        "programme/dashboard_supporter.html",
        {"panels": collect_panels(request, "supporter")},
    )


@requires(Permission.VIEW_SUPERVISOR_HOME)
def supervisor_home(request: HttpRequest) -> HttpResponse:
    """The supervisor's home: the supervision sessions they lead."""
    return render(
        request,
        "programme/dashboard_supervisor.html",
        {"panels": collect_panels(request, "supervisor")},
    )
