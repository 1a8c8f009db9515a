"""Bulk import of participants from CSV and XLSX referral lists.

The manager uploads a file for one site and round (the file is kept server-side,
`ImportUpload`), sees a preview that sorts every row into new, duplicate of a stored
participant, duplicate of an earlier row, or error (with the register form's own messages),
and confirms; the confirm creates the new rows through the register form's service in one
transaction and writes an `ImportLog`. Each row is checked by the register form's fields
(`ParticipantDetailsForm`) and the duplicate rule (`Participant.objects.possible_duplicates_of`),
so importing a file twice creates nothing the second time.

- `reading`: the file's bytes to a header and rows (CSV in UTF-8 or Windows-1252, `,` `;` or
  tab; the first sheet of an XLSX), with the size and row limits;
- `columns`: the columns, their Danish and English headers, and each cell as the form takes it
  (dates as 31-12-1950 or 1950-12-31, choices by code or label in either language);
- `preview`: the rows sorted into their outcomes;
- `template`: the files to fill in, in Danish and English.
"""

from .preview import ImportPreview, ImportRow, RowOutcome, check_columns, preview_upload
from .reading import MAX_BYTES, MAX_ROWS, ImportFileError, read_table
from .template import template_file

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "check_columns",
    "ImportFileError",
    "ImportPreview",
    "ImportRow",
    "RowOutcome",
    "preview_upload",
    "read_table",
    "template_file",
]
