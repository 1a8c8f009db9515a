"""Downloads for researchers: pseudonymised CSV tables (zip) and the REFI-QDA project.

Both are of the `pseudonymised` export tier (tod.privacy.tiers): evaluators and the manager;
every download is written to the access log of each participant it holds. Dates are shifted per
person (evaluation.exports.common.Dates); `?dates=exact` keeps them exact, for a user of the full
tier only (the manager, who may see the identifiers anyway): others get 403.

Each file is written into a temporary file first (the exports stream their rows into it, so
memory stays flat), then sent from it in blocks (FileResponse, which closes it when the server is
done)."""

from __future__ import annotations

import io
import tempfile

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tod.privacy.tiers import ExportTier, export_log, export_tier, requires_tier

from .. import exports

TIER = ExportTier.PSEUDONYMISED


class _TemporaryFile(io.BufferedRandom):
    """A temporary file that closes itself, without a ResourceWarning, when it is dropped
    unread: the server closes a FileResponse's file once sent, a test that reads only the
    status never does.

    It closes only the file. Django's WSGI handler replaces a streamed file's `close` with the
    response's, which sends `request_finished`; run from here, that would be the garbage
    collector's doing, in whichever request's thread it happens to run, and would close that
    request's database connection in the middle of its transaction."""

    def __del__(self) -> None:
        io.BufferedRandom.close(self)


def _download(write, filename: str, content_type: str) -> FileResponse:
    """The file `write` writes into a temporary file, sent as an attachment."""
    file = _TemporaryFile(tempfile.TemporaryFile(buffering=0))
    try:
        write(file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
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
def export_csv(request: HttpRequest) -> HttpResponseBase:
    exact = _exact_dates(request)
    if exact is None:
        return _refused()
    today = timezone.localdate()
    response = _download(
        lambda file: exports.write_csv_zip(request.user, file, exact_dates=exact),
        f"tod-evaluation-{today}.zip",
        "application/zip",
    )
    export_log(
        request=request,
        tier=TIER,
        what=gettext_noop("evaluation tables (CSV, exact dates)")
        if exact
        else gettext_noop("evaluation tables (CSV)"),
        participants=exports.people_exported(request.user),
    )
    return response


@requires_tier(TIER)
def export_qdpx(request: HttpRequest) -> HttpResponseBase:
    exact = _exact_dates(request)
    if exact is None:
        return _refused()
    today = timezone.localdate()
    response = _download(
        lambda file: exports.write_qdpx(request.user, file, exact_dates=exact),
        f"tod-evaluation-{today}.qdpx",
        "application/zip",
    )
    export_log(
        request=request,
        tier=TIER,
        what=gettext_noop("evaluation project (REFI-QDA, exact dates)")
        if exact
        else gettext_noop("evaluation project (REFI-QDA)"),
        participants=exports.people_exported(request.user),
    )
    return response
