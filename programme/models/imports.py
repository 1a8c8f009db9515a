"""Bulk import of participants from a spreadsheet: the uploaded file while it waits for the
manager's confirmation, and the log of each confirmed import (programme.imports)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Kind, ReferralChannel
from .participants import Round


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"

    @classmethod
    def of(cls, file_name: str) -> str | None:
        """The format a file's name says it is in, if it is one we read."""
        suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        return suffix if suffix in cls.values else None


# The largest file imported: a 5,000-row list is about 0.6 MB as CSV, less as XLSX.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportUploadQuerySet(models.QuerySet):
    def expired(self, now: dt.datetime):
        return self.filter(uploaded_at__lt=now - ImportUpload.KEEP)


class ImportUpload(models.Model):
    """An uploaded file between its preview and the manager's confirmation. Its rows are
    personal data of people who are not participants yet: the file is deleted when the import
    is confirmed, and any file not confirmed within `KEEP` is deleted unconfirmed
    (programme.tasks.import_uploads_expire). Kept out of the audit trail (AUDIT_EXCLUDED_MODELS)
    so the file never outlives its row; the trail records the participants it creates."""

    KEEP = dt.timedelta(hours=24)

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        "accounts.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    default_kind = models.CharField(
        _("role where the file gives none"), max_length=12, choices=Kind.choices, blank=True
    )
    default_channel = models.CharField(
        _("referral channel where the file gives none"),
        max_length=30,
        choices=ReferralChannel.choices,
        blank=True,
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("uploaded import file")
        verbose_name_plural = _("uploaded import files")

    def __str__(self) -> str:
        return self.file_name


class ImportLog(models.Model):
    """One confirmed import: who, when, which file, and what became of its rows."""

    upload_key = models.UUIDField(_("upload"), unique=True, editable=False)
    site = models.ForeignKey(
        "accounts.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="participant_imports",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    rows = models.PositiveIntegerField(_("rows"))
    created = models.PositiveIntegerField(_("created"))
    skipped = models.PositiveIntegerField(_("skipped as duplicates"))
    errors = models.PositiveIntegerField(_("rows with errors"))

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")

    def __str__(self) -> str:
        return f"{self.file_name} · {timezone.localtime(self.imported_at):%Y-%m-%d %H:%M}"
