"""Exports for researchers, pseudonymised: every table as CSV (in one zip) and a REFI-QDA project
(.qdpx) that NVivo, ATLAS.ti and QualCoder open.

No export holds a name, phone number, e-mail address, address or date of birth: people appear
as stable pseudonyms (evaluation.pseudonyms), ages in years, and every free text goes through the
Redactor. No export holds a database id either: every record is named by a stable pseudonymous
id (pseudonyms.record_pseudonym, and HMAC GUIDs in the .qdpx). Dates are shifted per person by a
secret offset (pseudonyms.date_shift_days; a case and its records take the peer's), keeping every
interval of a person exact, unless the export is asked for exact dates (`exact_dates`, which the
view allows the full export tier only). What re-identification risk remains:
docs/pseudonymised-exports.md.

Both exports stream: each table is an ordinary queryset read with `.iterator(chunk_size=CHUNK)`
(related rows by `Prefetch`, per chunk) and written row by row into a zip file the caller gives
(the view a temporary file), so memory stays flat whatever the data size. What is kept whole is
one small entry per case or person (ids, dates, the case figures of reports.engagement_rows) and
the short code lists. The number of queries does not grow with the data either: one per table,
one per prefetched relation and chunk. The queries read one snapshot (`common.snapshot`), so
the tables agree with each other as the single SELECT they replace did.
"""

from .common import people_exported
from .csv import write_csv_zip
from .qdpx import write_qdpx

__all__ = ["people_exported", "write_csv_zip", "write_qdpx"]
