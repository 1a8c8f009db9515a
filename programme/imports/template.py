"""The files to fill in: the columns' headers in Danish or English, as CSV or XLSX; the XLSX
has a second sheet with the values each column takes."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _

from tod import csvsafe

from ..models import FileFormat
from .columns import (
    CHOICE_FIELDS,
    COLUMNS,
    REQUIRED_COLUMNS,
    choices_of,
    header_label,
    model_field,
)


def _guide() -> list[list[str]]:
    rows = [[_("Column"), _("What to write")]]
    for name in COLUMNS:
        field = model_field(name)
        if name in CHOICE_FIELDS:
            what = " / ".join(str(label) for _code, label in choices_of(name))
        elif name == "date_of_birth":
            what = _("A date, for example 31-12-1950 or 1950-12-31")
        elif name == "phone":
            what = _("A Danish number, or with the country code.")
        elif name == "postcode":
            what = _("Four digits, for example 2200.")
        else:
            what = ""
        if name in REQUIRED_COLUMNS or (not field.blank and name != "preferred_language"):
            what = f"{_('Required.')} {what}".strip()
        rows.append([header_label(name, translation.get_language() or "da"), what])
    return rows


def template_file(file_format: str, language: str) -> bytes:
    with translation.override(language):
        header = [header_label(name, language) for name in COLUMNS]
        if file_format == FileFormat.CSV:
            out = io.StringIO()
            csvsafe.writer(out, delimiter=";" if language == "da" else ",").writerow(header)
            return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = _("Participants")[:31]
        sheet.append(header)
        for index, text in enumerate(header, start=1):
            sheet.cell(row=1, column=index).font = openpyxl.styles.Font(bold=True)
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(
                14, len(text) + 2
            )
        guide = workbook.create_sheet(_("Guide")[:31])
        for row in _guide():
            guide.append(row)
        guide.column_dimensions["A"].width = 24
        guide.column_dimensions["B"].width = 90
        out_bytes = io.BytesIO()
        workbook.save(out_bytes)
        return out_bytes.getvalue()
