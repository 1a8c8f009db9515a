"""The evaluation dashboard and its reports, regenerated from the data on every request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tod.accounts.dashboards import collect_panels, count_all
from tod.accounts.permissions import requires
from tod.accounts.roles import Permission
from tod.privacy.tiers import ExportTier, export_tier

from .. import charts, reports
from ..models import NurseVisit, ProgrammeTheory
from ..queries import redactor_for
from .common import paginate


@requires(Permission.VIEW_EVALUATION)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The evaluation at a glance: cases, outcomes, pre/post change, the recruitment funnel."""
    user = request.user
    cases = reports.cases_for(user)
    counts = count_all(
        user, cases=cases, visits=NurseVisit.objects.filter(peer_id__in=cases.values("peer_id"))
    )
    funnel = reports.recruitment_funnel(user)
    prepost = reports.pre_post(user)
    return render(
        request,
        "evaluation/dashboard_evaluator.html",
        {
            "panels": collect_panels(request, "evaluator"),
            "case_count": counts["cases"],
            "visit_count": counts["visits"],
            "summary": reports.outcome_summary(user, total=counts["cases"]),
            "funnel": funnel,
            "funnel_chart": charts.funnel_bars(funnel, title=_("Recruitment funnel")),
            "prepost": prepost[:2] + prepost[6:8],
            "meetings": reports.engagement_summary(user),
            "exact_dates_allowed": export_tier(user) >= ExportTier.FULL,
        },
    )


@requires(Permission.VIEW_EVALUATION)
def report_sample(request: HttpRequest) -> HttpResponse:
    """The study's Table 2: characteristics of the peers and the supporters in the cases."""
    on = timezone.localdate()
    return render(
        request,
        "evaluation/report_sample.html",
        {"rows": reports.sample_table(request.user, on=on), "on": on},
    )


@requires(Permission.VIEW_EVALUATION)
def report_icamo(request: HttpRequest) -> HttpResponse:
    """The study's Table 3 for a chosen theory version (the latest by default)."""
    theories = list(ProgrammeTheory.objects.for_user(request.user).order_by("-version", "-id"))
    chosen = request.GET.get("theory")
    theory = next((t for t in theories if str(t.pk) == chosen), theories[0] if theories else None)
    return render(
        request,
        "evaluation/report_icamo.html",
        {
            "theories": theories,
            "theory": theory,
            "matrix": reports.icamo_matrix(request.user, theory),
            "crosstab": reports.mechanism_outcome_crosstab(request.user),
            # The theories' titles and the configurations' codes and contexts are free text:
            # shown through the Redactor (templatetags.redaction).
            "redact": redactor_for(request.user),
        },
    )


@requires(Permission.VIEW_EVALUATION)
def report_prepost(request: HttpRequest) -> HttpResponse:
    """Per measure: each peer's before and after as a paired plot with the values in a table,
    the mean change with its 95 % confidence interval, the Wilcoxon signed-rank test, n and the
    missing visits; WHO-5 and PAID-5 also as the shares crossing their thresholds."""
    measures, missing = reports.paired_measures(request.user)
    for measure in measures:
        measure.chart = charts.paired_lines(
            measure.pairs,
            title=_("%(measure)s: before and after") % {"measure": measure.label},
        )
    return render(
        request, "evaluation/report_prepost.html", {"measures": measures, "missing": missing}
    )


@requires(Permission.VIEW_EVALUATION)
def report_engagement(request: HttpRequest) -> HttpResponse:
    """Sociodemographic similarity of each pair against its engagement, and meeting frequency."""
    rows = reports.engagement_rows(request.user)
    has_meetings = any(r["meetings"] is not None for r in rows)
    y_name = "meetings" if has_meetings else "mechanism_items"
    y_label = _("Meetings held") if has_meetings else _("Mechanism items recorded")
    chart = charts.scatter(
        [(r["similarities"], r[y_name] or 0) for r in rows],
        x_label=_("Sociodemographic similarities"),
        y_label=y_label,
        title=_("Similarity and engagement"),
        x_max=len(reports.SIMILARITY_FIELDS),
    )
    return render(
        request,
        "evaluation/report_engagement.html",
        {
            "page": paginate(request, rows),
            "by_similarity": reports.engagement_by_similarity(rows),
            "chart": chart,
            "has_meetings": has_meetings,
        },
    )


@requires(Permission.VIEW_EVALUATION)
def report_mechanisms(request: HttpRequest) -> HttpResponse:
    """The logbooks' mechanism items: per round their spread at the first, middle and last
    logbook of the cases, and their Spearman correlation with engagement beside similarity's."""
    cases, series = reports.cases_with_items(request.user)
    return render(
        request,
        "evaluation/report_mechanisms.html",
        {
            "rounds": reports.mechanisms_by_round(cases, series),
            "correlations": reports.engagement_correlations(request.user, series),
        },
    )
