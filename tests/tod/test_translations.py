"""The Danish interface is complete and right: no catalogue has an untranslated or fuzzy entry,
no English word is given two Danish texts, and words with two meanings have a context each."""

import importlib.util
import json
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]


def _translate_script():
    spec = importlib.util.spec_from_file_location("translate", ROOT / "scripts" / "translate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


translate = _translate_script()


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


def test_no_msgid_is_given_two_danish_texts_by_the_translation_files():
    """Every file of locale/translations fills every catalogue, the last file winning: the same
    English given two Danish texts in two files leaves one of them wrong on some page (the audit
    log's "Action" read "Opfølgning", a follow-up action). One English word with two meanings
    takes a context (pgettext) and a "context\\u0004msgid" entry instead."""
    given: dict[str, dict[str, str]] = {}
    for path in sorted((ROOT / "locale" / "translations").glob("*.json")):
        for msgid, danish in json.loads(path.read_text()).items():
            given.setdefault(msgid, {})[path.name] = json.dumps(danish, ensure_ascii=False)
    conflicts = {msgid: files for msgid, files in given.items() if len(set(files.values())) > 1}
    assert conflicts == {}


def test_a_msgid_with_a_context_gets_the_danish_of_its_context(tmp_path, monkeypatch):
    catalogue = tmp_path / "app" / "locale" / "da" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Change", msgctxt="difference", msgstr=""))
    po.append(polib.POEntry(msgid="Change", msgctxt="edit", msgstr=""))
    po.append(polib.POEntry(msgid="Change", msgstr=""))
    po.save(str(catalogue))
    table = tmp_path / "table.json"
    table.write_text(json.dumps({"Change": "Skift", "difference\u0004Change": "Ændring"}))

    monkeypatch.setattr(translate, "ROOT", tmp_path)
    assert translate.main([str(table)]) == 0

    filled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(catalogue))}
    assert filled == {
        ("difference", "Change"): "Ændring",
        ("edit", "Change"): "Skift",  # no entry of its own: the bare msgid's
        (None, "Change"): "Skift",
    }


def test_words_with_two_meanings_read_as_their_page_means_them():
    from django.apps import apps
    from django.utils.translation import override, pgettext

    from evaluation.models.choices import Rehabilitation

    model = apps.get_model  # verbose names, as the forms and the audit log show them
    with override("da"):
        assert str(Rehabilitation.ATTENDING.label) == "I gang"
        assert pgettext("difference", "Change") == "Ændring"
        assert pgettext("what a change did", "Action") == "Handling"
        assert str(model("audit", "AuditEvent")._meta.get_field("action").verbose_name) == (
            "handling"
        )
        assert str(model("programme", "FollowUpAction")._meta.get_field("text").verbose_name) == (
            "opfølgning"
        )
        assert str(model("outbox", "Reminder")._meta.get_field("context").verbose_name) == (
            "indhold"
        )
        assert str(model("evaluation", "ContextFactor")._meta.verbose_name) == "kontekst"
