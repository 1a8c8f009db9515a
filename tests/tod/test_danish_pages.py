"""Every page a role can open reads as Danish in Danish mode: no English word of the interface
and no decimal point left in what the user sees.

The pages are those of the access matrix (tests/security/test_access_matrix.py), opened with the
demo programme by the first role allowed each one. What is checked is the visible text: text
nodes, the page title and the attributes a user sees or hears (title, aria-label, placeholder,
alt), less what people typed (names, addresses, notes, the demo's texts: every free-text value
stored in the programme's records) and parts marked as another language (the language
switcher's "English"). A word from the list below, as a whole word, fails the test with the page
and the text it stands in; so does a number with a decimal point (Danish writes 75,5).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from tests.conftest import VerifiedClient
from tests.security.test_access_matrix import MATRIX, _request, build_world

# English words of the interface that Danish never uses; each was found on a Danish page once.
# Case-sensitive where the Danish word differs only in case ("Post" is a record in Danish).
ENGLISH_WORDS = re.compile(
    r"(?<![\w-])("
    r"[Ss]creen|[Cc]ases|pre|post|[Aa]ttending|[Bb]efore|[Aa]fter|"
    r"Edit|Save|Cancel|Delete|Submit|Back|Next|Previous|Search|Enter|"
    r"[Ll]ogbooks?|[Mm]eetings?|[Ss]upporters?|[Vv]isits?|[Rr]eminders?|"
    r"[Tt]he|[Aa]nd|[Oo]f|[Ww]ith|[Tt]his|[Yy]our|[Aa]re|[Nn]ot|[Pp]lease"
    r")(?![\w-])"
)
# A decimal point where Danish writes a comma: 75.5, not dates (07.12.2026) nor thousands (1.234).
DECIMAL_POINT = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])")
SEEN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
QUOTES = " \t“”„\"'«»"
# Not shown, or code rather than language (a record's raw JSON in the audit log).
HIDDEN_ELEMENTS = ("script", "style", "template", "code", "kbd", "samp")
# Records written by the system, not typed by people: their text is the interface's own.
SYSTEM_APPS = ("audit", "outbox", "sessions", "admin", "contenttypes", "auth", "axes")


class VisibleText(HTMLParser):
    """The text a user sees on a page, one string per text node or attribute, less the parts in
    another language than the page's."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden or in another language)
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang")
        skip = tag in HIDDEN_ELEMENTS or (
            lang is not None and tag != "html" and not lang.startswith(self.language)
        )
        if not self._skipping() and not skip:
            self.parts += [attributes[a] for a in SEEN_ATTRIBUTES if attributes.get(a)]
        if tag not in ("br", "hr", "img", "input", "meta", "link", "source", "wbr"):
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        if not self._skipping():
            attributes = dict(attrs)
            self.parts += [attributes[a] for a in SEEN_ATTRIBUTES if attributes.get(a)]

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip() and not self._skipping():
            self.parts.append(data.strip())


def typed_texts() -> tuple[str, re.Pattern]:
    """Every free-text value people stored (no choices, no codes): as one string to find long
    texts in, and as a pattern of the short ones (names, places) to take out of a text node."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in SYSTEM_APPS or not model._meta.managed:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if value and str(value).strip():
                    values.add(str(value).strip())
    words = sorted(
        {part for value in values for part in re.split(r"\s*\n\s*", value) if part},
        key=len,
        reverse=True,
    )
    names = "|".join(re.escape(word) for word in words if 2 <= len(word) < 60) or "$^"
    short = re.compile(rf"(?<!\w)(?:{names})(?!\w)")
    return "\x00".join(words), short


def problems_on(page: str, html: str, typed: str, names: re.Pattern) -> list[str]:
    parser = VisibleText("da")
    parser.feed(html)
    found = []
    for part in parser.parts:
        lines = [line.strip(QUOTES) for line in part.splitlines()]
        # lines of a text someone wrote (a quote, a transcript in its text box) go whole
        text = " ".join(line for line in lines if len(line) < 20 or line not in typed)
        text = names.sub(" ", text)
        for match in ENGLISH_WORDS.finditer(text):
            found.append(f"{page}: English word {match.group(0)!r} in {part!r}")
        for match in DECIMAL_POINT.finditer(text):
            found.append(f"{page}: decimal point {match.group(0)!r} in {part!r}")
    return found


@pytest.mark.django_db
def test_every_page_reads_as_danish_in_danish_mode(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    typed, names = typed_texts()
    checked, problems = 0, []
    for name, row in sorted(MATRIX.items()):
        kwargs = world.kwargs.get(row.obj, {}) if row.obj else {}
        if row.post_only or kwargs is None:
            continue
        client = VerifiedClient()
        if row.roles and not row.public:
            client.force_login(world.users[sorted(row.roles)[0]])
        client.cookies["django_language"] = "da"
        response = _request(client, "get", reverse(name, kwargs=kwargs))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert '<html lang="da"' in html, name
        checked += 1
        problems += problems_on(name, html, typed, names)
    assert checked > 80, f"only {checked} pages checked"
    assert problems == [], "\n".join(problems)


def test_the_check_finds_english_words_and_decimal_points_but_not_names_or_other_languages():
    names = re.compile("Bent Madsen|Bent")
    html = (
        '<html lang="da"><head><title>Screen Bent Madsen</title></head><body>'
        '<p>9 cases · <span lang="en">English</span></p>'
        "<svg><text>pre</text><text>75.5</text><text>07.12.2026</text><text>1.234</text></svg>"
        '<button aria-label="Gem">Gem</button><p>Post</p><p>e-post</p></body></html>'
    )
    found = problems_on("page", html, "", names)
    assert [f.split(" in ")[0] for f in found] == [
        "page: English word 'Screen'",
        "page: English word 'cases'",
        "page: English word 'pre'",
        "page: decimal point '75.5'",
    ]
