"""Downloads for researchers: pseudonymised CSV tables (zip) and the REFI-QDA project.

Both are of the `pseudonymised` export tier (tod.privacy.tiers): evaluators and the manager;
every download is written to the access log of each participant it holds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_noop

from tod.privacy.tiers import ExportTier, export_log, requires_tier

from .. import exports

TIER = ExportTier.PSEUDONYMISED


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@requires_tier(TIER)
def export_csv(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    content = exports.csv_zip(request.user)
    export_log(
        request=request,
        tier=TIER,
        what=gettext_noop("evaluation tables (CSV)"),
        participants=exports.people_exported(request.user),
    )
    return _download(content, f"tod-evaluation-{today}.zip", "application/zip")


@requires_tier(TIER)
def export_qdpx(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    content = exports.qdpx(request.user)
    export_log(
        request=request,
        tier=TIER,
        what=gettext_noop("evaluation project (REFI-QDA)"),
        participants=exports.people_exported(request.user),
    )
    return _download(content, f"tod-evaluation-{today}.qdpx", "application/zip")
