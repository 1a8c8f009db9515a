"""Downloads for researchers: pseudonymised CSV tables (zip) and the REFI-QDA project.

Both are of the `pseudonymised` export tier (tod.privacy.tiers): evaluators and the manager;
every download is written to the access log of each participant it holds. Dates are shifted per
person (evaluation.exports.Dates); `?dates=exact` keeps them exact, for a user of the full tier
only (the manager, who may see the identifiers anyway): others get 403."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tod.privacy.tiers import ExportTier, export_log, export_tier, requires_tier

from .. import exports

TIER = ExportTier.PSEUDONYMISED


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _exact_dates(request: HttpRequest) -> bool | None:
    """Whether the export keeps exact dates: asked with ?dates=exact, allowed to the full export
    tier only (None: asked, not allowed)."""
    if request.GET.get("dates") != "exact":
        return False
    return True if export_tier(request.user) >= ExportTier.FULL else None


def _refused() -> HttpResponse:
    return HttpResponseForbidden(_("Exact dates are for the full export tier only."))


@requires_tier(TIER)
def export_csv(request: HttpRequest) -> HttpResponse:
    exact = _exact_dates(request)
    if exact is None:
        return _refused()
    today = timezone.localdate()
    content = exports.csv_zip(request.user, exact_dates=exact)
    export_log(
        request=request,
        tier=TIER,
        what=gettext_noop("evaluation tables (CSV, exact dates)")
        if exact
        else gettext_noop("evaluation tables (CSV)"),
        participants=exports.people_exported(request.user),
    )
    return _download(content, f"tod-evaluation-{today}.zip", "application/zip")


@requires_tier(TIER)
def export_qdpx(request: HttpRequest) -> HttpResponse:
    exact = _exact_dates(request)
    if exact is None:
        return _refused()
    today = timezone.localdate()
    content = exports.qdpx(request.user, exact_dates=exact)
    export_log(
        request=request,
        tier=TIER,
        what=gettext_noop("evaluation project (REFI-QDA, exact dates)")
        if exact
        else gettext_noop("evaluation project (REFI-QDA)"),
        participants=exports.people_exported(request.user),
    )
    return _download(content, f"tod-evaluation-{today}.qdpx", "application/zip")
