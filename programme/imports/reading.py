"""An uploaded file's bytes to its header and rows, within the size and row limits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ..models import FileFormat
from ..models.imports import MAX_IMPORT_BYTES as MAX_BYTES

MAX_ROWS = 5000
# An XLSX is a zip file: what it unpacks to is limited too, so a small file cannot expand into
# gigabytes of XML (a zip bomb).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

MAX_EMPTY_RUN = 1000

Cell = str | int | float | dt.date | dt.datetime | None


class ImportFileError(Exception):
    """The file cannot be read as a list of participants; the message says why, to the user."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[Cell]]]  # (the row's number in the spreadsheet, its cells)


def read_table(content: bytes, file_format: str) -> Table:
    """The first row is the header; empty rows are skipped; rows are numbered as the
    spreadsheet numbers them (the header is row 1)."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    lines = _xlsx_rows(content) if file_format == FileFormat.XLSX else _csv_rows(content)
    header: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    empty_run = 0
    for number, cells in enumerate(lines, start=1):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            empty_run += 1
            if empty_run > MAX_EMPTY_RUN:
                break  # a sheet formatted to its millionth row holds nothing more
            continue
        empty_run = 0
        if header is None:
            header = ["" if cell is None else str(cell).strip() for cell in cells]
            continue
        rows.append((number, list(cells)))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s rows of participants. Split it into files "
                    "of at most %(limit)s rows."
                )
                % {"limit": f"{MAX_ROWS:,}".replace(",", ".")}
            )
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return Table(header=header, rows=rows)


def _csv_rows(content: bytes) -> Iterator[list[Cell]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" on a Danish Windows is Windows-1252, separated by semicolons.
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV file. Save it as CSV or XLSX."))
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    try:
        for line in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield list(line)
    except csv.Error as error:
        raise ImportFileError(_("The file is not a CSV file. Save it as CSV or XLSX.")) from error


def _xlsx_rows(content: bytes) -> Iterator[list[Cell]]:
    # defusedxml, when installed (it is a dependency), makes openpyxl refuse XML bombs.
    import openpyxl

    not_xlsx = _("The file is not an XLSX workbook. Save it as XLSX or CSV.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportFileError(_("The workbook is too large. Split it into smaller files."))
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign file
        raise ImportFileError(not_xlsx) from error
    return _sheet_rows(workbook, not_xlsx)


def _sheet_rows(workbook: Any, not_xlsx: str) -> Iterator[list[Cell]]:
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    except Exception as error:
        raise ImportFileError(not_xlsx) from error
    finally:
        workbook.close()
