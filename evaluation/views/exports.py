"""Downloads for researchers: pseudonymised CSV tables (zip) and the REFI-QDA project."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tod.accounts.permissions import requires
from tod.accounts.roles import Permission

from .. import exports


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.EXPORT_PSEUDONYMISED)
def export_csv(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return _download(
        exports.csv_zip(request.user), f"tod-evaluation-{today}.zip", "application/zip"
    )


@requires(Permission.EXPORT_PSEUDONYMISED)
def export_qdpx(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return _download(exports.qdpx(request.user), f"tod-evaluation-{today}.qdpx", "application/zip")
