from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tod.accounts.dashboards import collect_panels
from tod.accounts.permissions import requires
from tod.accounts.roles import Permission


@requires(Permission.VIEW_NURSE_HOME)
def nurse_home(request: HttpRequest) -> HttpResponse:
    """The diabetes nurse's home: peers with pre and post visits due and done."""
    return render(
        request, "evaluation/dashboard_nurse.html", {"panels": collect_panels(request, "nurse")}
    )


@requires(Permission.VIEW_EVALUATION)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The evaluation dashboard: outcomes per case, pseudonymised."""
    return render(
        request,
        "evaluation/dashboard_evaluator.html",
        {"panels": collect_panels(request, "evaluator")},
    )
