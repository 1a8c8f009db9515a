"""The funder's report for the project manager: a printable page and the same figures as CSV.

The figures and their definitions are in `logbooks.reports`; this module picks the site and
round the manager asked for (only their own sites: anything else is 404) and renders them.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from programme.models import Round
from tod import csvsafe
from tod.accounts.models import Site
from tod.accounts.permissions import requires
from tod.accounts.roles import Permission

from .reports import FunderReport, funder_report, hours

ALL_ROUNDS = "all"


def _sites_of(user: Any) -> list[Site]:
    return list(Site.objects.filter(staff=user).order_by("name"))


def _chosen_site(request: HttpRequest, sites: list[Site]) -> Site:
    """The site asked for (`?site=<id>`), else the manager's first; 404 for any other site."""
    wanted = request.GET.get("site", "")
    if not wanted:
        if not sites:
            raise Http404
        return sites[0]
    for site in sites:
        if str(site.pk) == wanted:
            return site
    raise Http404


def _chosen_round(request: HttpRequest, rounds: list[Round]) -> Round | None:
    """`?round=<id>` of the site, `all` (None), or by default the round running now (else the
    latest); 404 for a round of another site."""
    wanted = request.GET.get("round", "")
    if wanted == ALL_ROUNDS or (not wanted and not rounds):
        return None
    if not wanted:
        today = timezone.localdate()
        running = [r for r in rounds if r.starts_on <= today <= r.ends_on]
        return (running or rounds)[0]
    for round_ in rounds:
        if str(round_.pk) == wanted:
            return round_
    raise Http404


@requires(Permission.VIEW_MANAGER_DASHBOARD)
def funder_report_view(request: HttpRequest) -> HttpResponse:
    """The figures the funder asks for, per site and round; `?format=csv` downloads them."""
    sites = _sites_of(request.user)
    site = _chosen_site(request, sites)
    rounds = list(Round.objects.filter(site=site).order_by("-starts_on", "-pk"))
    round_ = _chosen_round(request, rounds)
    report = funder_report(site=site, round_=round_, now=timezone.now())
    if request.GET.get("format") == "csv":
        return _csv(report)
    context = {
        "report": report,
        "sites": sites,
        "rounds": rounds,
        "chosen_round": str(round_.pk) if round_ else ALL_ROUNDS,
        "csv_query": f"site={site.pk}&round={round_.pk if round_ else ALL_ROUNDS}&format=csv",
        "hours": {
            "meetings": hours(report.meeting_minutes),
            "training": hours(report.training_minutes),
            "sessions": hours(report.session_minutes),
        },
    }
    return render(request, "logbooks/funder_report.html", context)


def _round_label(report: FunderReport) -> str:
    return report.round.name if report.round else _("All rounds")


def _csv(report: FunderReport) -> HttpResponse:
    """The page's figures, section by section, headers in the user's language."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(f"{report.site.name}-{_round_label(report)}") or "report"
    response["Content-Disposition"] = f'attachment; filename="funder-report-{name}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csvsafe.writer(response)
    made_on = formats.date_format(timezone.localtime(report.made_at), "SHORT_DATE_FORMAT")
    writer.writerow([_("Report for the funder"), report.site.name, _round_label(report), made_on])
    writer.writerow([])
    writer.writerow([_("Meetings per pair")])
    writer.writerow(
        [
            _("Pair"),
            _("Status"),
            _("Started"),
            _("Planned"),
            _("Held"),
            _("Of which extra"),
            _("Cancelled"),
            _("Missed"),
            _("Logbooks written"),
            _("Weeks from referral to match"),
        ]
    )
    for row in report.pairs:
        writer.writerow(
            [
                _("Pair %(number)s") % {"number": row.number},
                row.status,
                row.started_on.isoformat() if row.started_on else "",
                row.planned,
                row.held,
                row.held_extra,
                row.cancelled,
                row.missed,
                row.logbooks,
                "" if row.weeks_to_match is None else row.weeks_to_match,
            ]
        )
    writer.writerow(
        [
            _("Total"),
            "",
            "",
            report.planned,
            report.held,
            sum(row.held_extra for row in report.pairs),
            report.cancelled,
            report.missed,
            report.logbooks,
            "" if report.weeks_to_match_median is None else report.weeks_to_match_median,
        ]
    )
    writer.writerow([])
    writer.writerow([_("Cancelled meetings by reason")])
    writer.writerow([_("Reason"), _("Meetings")])
    writer.writerows(report.cancel_reasons)
    writer.writerow([])
    writer.writerow([_("Training courses")])
    writer.writerow(
        [_("Course"), _("Invited"), _("Present day 1"), _("Present day 2"), _("Present all days")]
    )
    for course in report.courses:
        writer.writerow(
            [
                course.name,
                course.invited,
                course.attended_day_1,
                course.attended_day_2,
                course.attended_all,
            ]
        )
    writer.writerow([])
    writer.writerow([_("Supervision and network meetings")])
    writer.writerow(
        [_("Kind"), _("Meetings held"), _("Invited"), _("Present"), _("Absent"), _("Not recorded")]
    )
    for session in report.sessions:
        writer.writerow(
            [
                session.kind,
                session.sessions,
                session.invited,
                session.attended,
                session.absent,
                session.not_recorded,
            ]
        )
    writer.writerow([])
    writer.writerow([_("Drop-outs")])
    writer.writerow([_("Withdrawn on"), _("Role"), _("Initiated by"), _("Reason")])
    for drop_out in report.drop_outs:
        writer.writerow(
            [
                drop_out.withdrawn_on.isoformat(),
                drop_out.kind,
                drop_out.initiated_by,
                drop_out.reason,
            ]
        )
    writer.writerow([])
    writer.writerow([_("Pairs ended early")])
    writer.writerow([_("Pair"), _("Ended on"), _("Reason for ending")])
    for row in report.pairs_ended_early:
        writer.writerow(
            [
                _("Pair %(number)s") % {"number": row.number},
                row.ended_on.isoformat() if row.ended_on else "",
                row.end_reason,
            ]
        )
    writer.writerow([])
    writer.writerow([_("Weeks from referral to match")])
    writer.writerow([_("Pairs"), _("Median"), _("Shortest"), _("Longest")])
    span = report.weeks_to_match_range
    writer.writerow(
        [
            len(report.weeks_to_match),
            "" if report.weeks_to_match_median is None else report.weeks_to_match_median,
            span[0] if span else "",
            span[1] if span else "",
        ]
    )
    writer.writerow([])
    writer.writerow([_("Supporters' volunteer hours")])
    writer.writerow([_("Held meetings"), hours(report.meeting_minutes)])
    writer.writerow([_("Training days attended"), hours(report.training_minutes)])
    writer.writerow([_("Supervision and network meetings attended"), hours(report.session_minutes)])
    writer.writerow([_("Total"), report.volunteer_hours])
    writer.writerow(
        [_("Held meetings without a recorded duration"), report.meetings_without_duration]
    )
    return response
