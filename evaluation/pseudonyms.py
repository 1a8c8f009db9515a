"""Stable pseudonyms, date shifts and redaction for everything the evaluator sees or exports.

A pseudonym is an HMAC-SHA256 of the record's id under a per-installation key
(settings.EVALUATION_PSEUDONYM_KEY), so it is the same on every page and in every export, cannot
be reversed without the key, and needs no table. The same key gives each person a secret date
shift (`date_shift_days`): exports move all of a person's dates by it, so intervals stay exact
while calendar dates no longer single a person out. Free text (transcripts, notes, logbooks)
goes through `Redactor`, which replaces the names, phone numbers, e-mail addresses and addresses
of every person the installation knows (participants of all sites and every user) with their
pseudonyms, in the forms Danish writes them (genitive -s, "Jens'", any case).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings


def _hmac(message: str) -> str:
    key = settings.EVALUATION_PSEUDONYM_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _digest(kind: str, pk: int) -> str:
    return _hmac(f"{kind}:{pk}")[:8].upper()


def participant_pseudonym(participant_id: int, kind: str = "peer") -> str:
    """'P-1A2B3C4D' for a peer, 'S-...' for a supporter."""
    prefix = "S" if kind == "supporter" else "P"
    return f"{prefix}-{_digest('participant', participant_id)}"


def case_pseudonym(pair_id: int) -> str:
    return f"C-{_digest('pair', pair_id)}"


def user_pseudonym(user_id: int | None) -> str:
    return "" if user_id is None else f"U-{_digest('user', user_id)}"


# The prefix of each kind of record's pseudonymous id in the exports.
RECORD_PREFIXES = {
    "nurse_visit": "V",
    "outcome": "O",
    "context": "X",
    "mechanism": "M",
    "case_configuration": "CC",
    "programme_theory": "T",
    "theory_configuration": "TC",
    "evidence": "E",
    "interview": "I",
    "observation": "OB",
    "meaning_unit": "MU",
    "logbook": "L",
    "code_group": "G",
    "course": "TR",
    "session": "SE",
    "meeting": "MT",
}


def record_pseudonym(kind: str, pk: int | None) -> str:
    """A stable pseudonymous id of any other record ('V-1A2B3C4D' for a nurse visit): exports
    name records by these, never by their database ids (which count and order the records and
    link them to the live database)."""
    return "" if pk is None else f"{RECORD_PREFIXES[kind]}-{_digest(kind, pk)}"


def record_guid(kind: str, key: Any) -> str:
    """A stable GUID for the REFI-QDA project, from the HMAC (a uuid5 of the bare id could be
    recomputed for every id by anyone, giving the id back)."""
    digest = _hmac(f"guid:{kind}:{key}")
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


DATE_SHIFT_MAX_DAYS = 180


def date_shift_days(kind: str, pk: int) -> int:
    """The secret offset of one person's dates (kind 'participant'), or of records that belong
    to no person (kind 'site'): -180..-1 or 1..180 days, never 0, the same in every export."""
    span = 2 * DATE_SHIFT_MAX_DAYS
    n = int(_hmac(f"date-shift:{kind}:{pk}")[:8], 16) % span
    return n - DATE_SHIFT_MAX_DAYS if n < DATE_SHIFT_MAX_DAYS else n - DATE_SHIFT_MAX_DAYS + 1


def shift_date(value, days: int):
    """A date or datetime (or its ISO text) moved by `days`; None stays."""
    if value is None or value == "":
        return value
    if isinstance(value, str):
        value = (dt.datetime if "T" in value else dt.date).fromisoformat(value)
    return value + dt.timedelta(days=days)


def birth_year(date_of_birth: dt.date | None) -> int | None:
    return None if date_of_birth is None else date_of_birth.year


def age_on(date_of_birth: dt.date | None, on: dt.date) -> int | None:
    if date_of_birth is None:
        return None
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


# Particles of a name that are words of their own ("Anne de la Cour"): the whole name and its
# other parts are redacted, the particle alone is not.
NAME_PARTICLES = frozenset(
    {"af", "da", "de", "del", "den", "der", "di", "du", "el", "la", "le", "og", "van", "von"}
)
# Between the words of one name, address or e-mail address in a text: spaces (a line break
# too), hyphens, dots, commas, apostrophes, '@', '/': at most three of them.
WORD = re.compile(r"\w+")
JOINER = re.compile(r"[\s.,@/'’\-–]{1,3}")
# Phone numbers in their common spellings: any spacing, dots, dashes or slashes between the
# digits, with or without the country code (+45, 0045, (+45)); looked up by their digits.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s./-]?|\(\s*(?:\+|00)?\d{1,3}\s*\)\s?)?\d(?:[\s./-]?\d){5,14}(?!\d)"
)

# A span of a redaction: (start, end) in the original text, (start, end) in the redacted one.
Span = tuple[int, int, int, int]


def name_values(*names: str | None) -> list[str]:
    """The strings a person's name is written as: the whole name, each given part, and each
    word of it (first names and double surnames are used alone), particles left out."""
    values = [" ".join(n.split()) for n in names if n and n.strip()]
    for name in list(values):
        values += [
            part
            for part in re.split(r"[\s-]+", name)
            if len(part) >= 2 and part.lower() not in NAME_PARTICLES
        ]
    return list(dict.fromkeys(values))


def phone_digits(phone: Any) -> str:
    """The national digits of a phone number (a PhoneNumber or its E.164 text)."""
    national = getattr(phone, "national_number", None)
    if national:
        return str(national)
    text = str(phone or "")
    if not text:
        return ""
    if text.startswith("+45"):  # Danish, as stored (E.164): no need to parse (slow)
        return re.sub(r"\D", "", text)[2:]
    import phonenumbers

    try:
        return str(phonenumbers.parse(text, "DK").national_number)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", text)


class Redactor:
    """Replaces the identifying strings of the people it knows in free text with pseudonyms.

    Names match whole words only (never inside another word: 'Ole' leaves 'Olesen'), in any
    case, with their Danish genitive ('Henriks', "Jens'") and whatever punctuation follows; the
    longest name at a place wins, so a full name becomes one pseudonym. The text is read word
    by word against a dictionary of the names' words (no pattern of thousands of names, which
    took a third of a second per text with the installation's 5,000 people), phone numbers by
    one pattern and their digits. A name two people share becomes the first one's pseudonym:
    it stays hidden, though the link may be wrong.
    """

    # Templates pass it to the `redacted` filter; without this they would call it.
    do_not_call_in_templates = True

    def __init__(self, participants: Iterable, staff: Iterable = ()) -> None:
        names: dict[tuple[str, ...], str] = {}
        phones: dict[str, str] = {}

        def add(values, pseudonym):
            for value in values:
                words = tuple(w.lower() for w in WORD.findall(value or ""))
                if not words or (len(words) == 1 and (len(words[0]) < 2 or words[0].isdigit())):
                    continue  # a lone letter or house number is no one's
                names.setdefault(words, pseudonym)

        people = [(p, participant_pseudonym(p.id, p.kind)) for p in participants]
        users = [(u, user_pseudonym(u.id)) for u in staff]
        # Full names and contact details first, then the single words of names: a word two
        # people share goes to whoever has it as a whole name before anyone's part of a name.
        for person, pseudonym in [*people, *users]:
            first, last = person.first_name or "", person.last_name or ""
            add([f"{first} {last}", first, last, person.email], pseudonym)
            address = getattr(person, "address", "") or ""
            add([address, address.split(",")[0].strip()], pseudonym)
            digits = phone_digits(getattr(person, "phone", ""))
            if len(digits) >= 6:
                phones.setdefault(digits, pseudonym)
        for person, pseudonym in [*people, *users]:
            add(name_values(person.first_name, person.last_name), pseudonym)
        self._names = names
        self._longest = max((len(k) for k in names), default=0)
        self._starts = {k[0] for k in names if len(k) > 1}
        self._phones = phones
        self._phone_lengths = sorted({len(d) for d in phones}, reverse=True)

    def _phone(self, digits: str) -> str | None:
        """The pseudonym of a known number among the digits (after a country code, or next to
        another number the spacing joined to it)."""
        for length in self._phone_lengths:
            for start in range(len(digits) - length + 1):
                if digits[start : start + length] in self._phones:
                    return self._phones[digits[start : start + length]]
        return None

    def _name_at(self, text: str, words: list[re.Match], i: int) -> tuple[int, str] | None:
        """The longest known name starting at word i: (how many words, its replacement)."""
        first = words[i].group().lower()
        most = self._longest if first in self._starts else 1
        for n in range(min(most, len(words) - i), 0, -1):
            if n > 1 and not all(
                JOINER.fullmatch(text, words[j].end(), words[j + 1].start())
                for j in range(i, i + n - 1)
            ):
                continue
            key = tuple(w.group().lower() for w in words[i : i + n])
            if key in self._names:
                return n, self._names[key]
            # The genitive -s: 'Henriks', 'Poulsens', 'Henrik Poulsens'.
            last = key[-1]
            if len(last) > 2 and last.endswith("s") and key[:-1] + (last[:-1],) in self._names:
                return n, self._names[key[:-1] + (last[:-1],)] + "'s"
        return None

    def spans(self, text: str | None) -> tuple[str, list[Span]]:
        """The redacted text and where each replacement stands in both texts, so positions
        into the original (a coded excerpt's) can be moved into the redacted one (`moved`)."""
        if not text:
            return text or "", []
        found: list[tuple[int, int, str]] = []
        if self._phones:
            for match in PHONE.finditer(text):
                pseudonym = self._phone(re.sub(r"\D", "", match.group()))
                if pseudonym:
                    found.append((match.start(), match.end(), pseudonym))
        if self._names:
            words = [w for w in WORD.finditer(text) if not _inside(found, w.start())]
            i = 0
            while i < len(words):
                hit = self._name_at(text, words, i)
                if hit is None:
                    i += 1
                    continue
                n, replacement = hit
                start, end = words[i].start(), words[i + n - 1].end()
                # The apostrophe genitive after s, x, z ("Jens'") and the English "'s".
                if text[end : end + 1] in ("'", "’") and not replacement.endswith("'s"):
                    end += 1
                    if text[end : end + 1] in ("s", "S") and not text[end + 1 : end + 2].isalnum():
                        end += 1
                    replacement += "'s"
                found.append((start, end, replacement))
                i += n
        found.sort()
        pieces: list[str] = []
        spans: list[Span] = []
        last = position = 0
        for start, end, replacement in found:
            pieces += [text[last:start], replacement]
            position += start - last
            spans.append((start, end, position, position + len(replacement)))
            position += len(replacement)
            last = end
        pieces.append(text[last:])
        return "".join(pieces), spans

    def __call__(self, text: str | None) -> str:
        return self.spans(text)[0]


def _inside(found: list[tuple[int, int, str]], position: int) -> bool:
    return any(start <= position < end for start, end, _r in found)


def moved(position: int, spans: list[Span], *, end: bool = False, back: bool = False) -> int:
    """A position of the original text in the redacted one (or, `back`, of the redacted text in
    the original). A position inside a replaced name goes to the replacement's start, or its
    end for the `end` of an excerpt, so the excerpt holds the whole pseudonym."""
    delta = 0
    for span in spans:
        start, stop, new_start, new_stop = (*span[2:], *span[:2]) if back else span
        if position <= start:
            break
        if position < stop:
            return new_stop if end else new_start
        delta = new_stop - stop
    return position + delta
