"""Bulk import of participants (programme.imports): store the uploaded file, confirm it, and
forget files never confirmed."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..imports import ImportFileError, RowOutcome, preview_upload
from ..models import ImportLog, ImportUpload, Round
from .recruitment import participant_create


@transaction.atomic
def import_upload_store(
    *,
    site,
    round_: Round,
    file_name: str,
    file_format: str,
    content: bytes,
    default_kind: str = "",
    default_channel: str = "",
    by,
) -> ImportUpload:
    """Keep an uploaded file until its import is confirmed (at most ImportUpload.KEEP); files
    left unconfirmed past that are deleted now, as well as by the hourly task."""
    import_uploads_expire()
    return ImportUpload.objects.create(
        site=site,
        round=round_,
        file_name=file_name[:200],
        file_format=file_format,
        content=content,
        default_kind=default_kind,
        default_channel=default_channel,
        uploaded_by=by,
    )


def import_uploads_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the uploaded files not confirmed within ImportUpload.KEEP; how many."""
    deleted, _details = ImportUpload.objects.expired(now or timezone.now()).delete()
    return deleted


@transaction.atomic
def import_confirm(*, key: uuid.UUID, site, by) -> tuple[ImportLog, bool]:
    """Create the file's new rows, each through participant_create (the register form's
    service), in one transaction; write the import's log and delete the file. Returns the log
    and whether this call imported it.

    The rows are checked again, as the preview did, against the participants stored now. A
    confirm sent twice imports once: the file's row is locked, so a second confirm waits for
    the first and then finds the file gone and its log written (log, False). A file imported
    again in a new upload creates nothing: every row is a duplicate of what it created."""
    upload = (
        ImportUpload.objects.select_for_update()
        .select_related("site", "round")
        .filter(key=key, site=site, uploaded_by=by)
        .first()
    )
    if upload is None:
        log = ImportLog.objects.filter(upload_key=key, site=site).first()
        if log is not None:
            return log, False
        raise ValidationError(_("This file is no longer waiting to be imported. Upload it again."))
    try:
        preview = preview_upload(upload)
    except ImportFileError as error:
        raise ValidationError(str(error)) from error
    for row in preview.new_rows():
        participant_create(site=upload.site, by=by, round=upload.round, **row.fields)
    counts = preview.counts
    log = ImportLog.objects.create(
        upload_key=upload.key,
        site=upload.site,
        round=upload.round,
        file_name=upload.file_name,
        imported_by=by,
        rows=len(preview.rows),
        created=counts[RowOutcome.NEW],
        skipped=counts[RowOutcome.EXISTING] + counts[RowOutcome.REPEATED],
        errors=counts[RowOutcome.ERROR],
    )
    upload.delete()
    return log, True
