"""Bulk import of participants: upload a file for a site, preview every row, confirm, and the
log of past imports (programme.imports)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tod.accounts.models import Site
from tod.accounts.permissions import requires
from tod.accounts.roles import Permission
from tod.once.guard import once_per_submission

from .. import services
from ..forms import ImportUploadForm
from ..imports import (
    ImportFileError,
    RowOutcome,
    check_columns,
    preview_upload,
    read_table,
    template_file,
)
from ..models import FileFormat, ImportLog, ImportUpload

P = Permission.MANAGE_PARTICIPANTS
_SALT = "programme.imports.upload"
LOG_LENGTH = 20


def _site(request: HttpRequest, pk: int) -> Site:
    """A site the user works in; 404 for any other, existing or not."""
    if not request.user.works_in(pk):
        raise Http404
    return Site.objects.get(pk=pk)


def upload_reference(upload: ImportUpload) -> str:
    return signing.dumps(str(upload.key), salt=_SALT)


def _key(reference: str) -> uuid.UUID | None:
    """The upload a signed reference names, if it is ours and not older than an upload lives."""
    try:
        return uuid.UUID(
            signing.loads(reference, salt=_SALT, max_age=ImportUpload.KEEP.total_seconds())
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None


@requires(P)
@require_GET
def import_start(request: HttpRequest) -> HttpResponse:
    """The import page of the user's first site (the page lists their others)."""
    site = Site.objects.filter(pk__in=request.user.site_ids()).order_by("name").first()
    if site is None:
        raise Http404
    return redirect("programme:participant_import", site=site.pk)


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def import_page(request: HttpRequest, site: int) -> HttpResponse:
    the_site = _site(request, site)
    form = ImportUploadForm(request.POST or None, request.FILES or None, site=the_site)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        upload = ImportUpload(
            site=the_site,
            round=form.cleaned_data["round"],
            default_kind=form.cleaned_data["default_kind"],
            default_channel=form.cleaned_data["default_channel"],
        )
        try:
            # The whole file is read and its columns checked now, so a file that cannot be
            # imported is refused here; its rows are checked on the preview.
            table = read_table(content, form.file_format)
            check_columns(
                table.header,
                default_kind=upload.default_kind,
                default_channel=upload.default_channel,
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            upload = services.import_upload_store(
                site=the_site,
                round_=upload.round,
                file_name=form.cleaned_data["file"].name,
                file_format=form.file_format,
                content=content,
                default_kind=upload.default_kind,
                default_channel=upload.default_channel,
                by=request.user,
            )
            return redirect(
                "programme:participant_import_preview",
                site=the_site.pk,
                ref=upload_reference(upload),
            )
    sites = Site.objects.filter(pk__in=request.user.site_ids()).order_by("name")
    logs = ImportLog.objects.filter(site=the_site).select_related("round", "imported_by")
    return render(
        request,
        "programme/import_page.html",
        {
            "site": the_site,
            "sites": sites,
            "form": form,
            "logs": logs[:LOG_LENGTH],
            "formats": FileFormat.values,
        },
    )


@requires(P)
@require_GET
def import_preview(request: HttpRequest, site: int, ref: str) -> HttpResponse:
    the_site = _site(request, site)
    key = _key(ref)
    upload = (
        ImportUpload.objects.select_related("site", "round")
        .filter(key=key, site=the_site, uploaded_by=request.user)
        .first()
        if key
        else None
    )
    if upload is None:
        log = ImportLog.objects.filter(upload_key=key, site=the_site).first() if key else None
        if log is None:
            raise Http404
        messages.info(request, _("This file is imported."))
        return redirect("programme:participant_import", site=the_site.pk)
    try:
        preview = preview_upload(upload)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("programme:participant_import", site=the_site.pk)
    only_issues = request.GET.get("show") == "issues"
    rows = [r for r in preview.rows if r.outcome != RowOutcome.NEW] if only_issues else preview.rows
    return render(
        request,
        "programme/import_preview.html",
        {
            "site": the_site,
            "upload": upload,
            "preview": preview,
            "counts": preview.counts,
            "rows": rows,
            "only_issues": only_issues,
            "reference": ref,
            "outcomes": RowOutcome,
        },
    )


@requires(P)
@require_POST
def import_confirm(request: HttpRequest, site: int) -> HttpResponse:
    the_site = _site(request, site)
    back = reverse("programme:participant_import", kwargs={"site": the_site.pk})
    key = _key(request.POST.get("reference", ""))
    if key is None:
        messages.error(
            request, _("This file is no longer waiting to be imported. Upload it again.")
        )
        return redirect(back)
    try:
        log, imported_now = services.import_confirm(key=key, site=the_site, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    if imported_now:
        messages.success(
            request,
            _(
                "%(file)s is imported: %(created)d participants created, %(skipped)d skipped as "
                "duplicates, %(errors)d rows with errors not imported."
            )
            % {
                "file": log.file_name,
                "created": log.created,
                "skipped": log.skipped,
                "errors": log.errors,
            },
        )
    else:
        messages.info(request, _("Already saved."))
    return redirect(back)


@requires(P)
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The file to fill in: ?format=csv|xlsx&language=da|en (the page's language otherwise)."""
    file_format = request.GET.get("format", FileFormat.XLSX)
    language = request.GET.get("language") or request.LANGUAGE_CODE
    if file_format not in FileFormat.values or language not in ("da", "en"):
        raise Http404
    content_types = {
        FileFormat.CSV: "text/csv; charset=utf-8",
        FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    name = {"da": "deltagere", "en": "participants"}[language]
    response = HttpResponse(
        template_file(file_format, language), content_type=content_types[file_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
