"""Personal data of the audit app (tod/personal_data.py)."""

from tod.personal_data import holds_none, personal_data

from .models import AccessEvent, AuditEvent

personal_data(
    AccessEvent,
    subjects=["participant"],
    other=["what", "path"],  # which page or export was read, never its values
)
holds_none(
    AuditEvent,
    "copies of other rows: the access export gives the events of the person's rows, erasure "
    "cleans them (tod/privacy/erasure.py)",
)
