"""The Danish interface is complete: no catalogue has an untranslated or fuzzy entry."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]


def test_every_danish_entry_is_translated():
    catalogues = [
        p for p in ROOT.glob("**/locale/da/LC_MESSAGES/django.po") if ".venv" not in p.parts
    ]
    assert catalogues
    missing = []
    for path in catalogues:
        po = polib.pofile(str(path))
        missing += [
            f"{path.relative_to(ROOT)}: {entry.msgid!r}"
            for entry in po
            if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
        ]
    assert missing == []
