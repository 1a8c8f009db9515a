"""Fill Danish translations into the catalogues from a JSON file of {msgid: msgstr}.

Usage: .venv/bin/python scripts/translate.py [translations.json ...] [--only DIR]
(`make translations` runs makemessages and then this with every file of locale/translations/.)
Updates every locale/da catalogue in the project where the msgid occurs (plural entries take a
list [singular, plural]) and clears the fuzzy flag of the entries it fills. Prints what is still
untranslated.

A msgid with a context (pgettext, {% translate ... context ... %}) is looked up first under the
key "<context>\\u0004<msgid>" (gettext's own separator, as JSON writes it), then under the bare
msgid: give the context key where one English word needs two Danish ones.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues(only: str | None = None):
    base = ROOT / only if only else ROOT
    for path in sorted(base.glob("**/da/LC_MESSAGES/django.po")):
        if ".venv" not in path.parts:
            yield path


def main(translation_files: list[str], only: str | None = None) -> int:
    table = {}
    for translation_file in translation_files:
        table.update(json.loads(Path(translation_file).read_text()))
    missing = 0
    for path in catalogues(only):
        po = polib.pofile(str(path))
        for entry in po:
            if entry.obsolete:
                continue
            value = None
            if entry.msgctxt is not None:
                value = table.get(f"{entry.msgctxt}\x04{entry.msgid}")
            if value is None:
                value = table.get(entry.msgid)
            if value is not None:
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: value[0], 1: value[1]}
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            if not entry.translated() or "fuzzy" in entry.flags:
                missing += 1
                print(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
        po.save()
    print(f"{missing} untranslated")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    only = None
    if "--only" in args:
        index = args.index("--only")
        only = args[index + 1]
        del args[index : index + 2]
    sys.exit(main(args, only))
