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
    """A date or datetime (or its ISO text, as JSONRows reads it) moved by `days`; None stays."""
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
# After a name: the genitive, Danish -s ("Henriks"), or the apostrophe after s, x, z ("Jens'")
# and the English "'s"; replaced by the pseudonym's own genitive ("P-1A2B3C4D's").
GENITIVE = r"(?P<genitive>['’]s?|s)?"
# Phone numbers in their common spellings: any spacing, dots, dashes or slashes between the
# digits, with or without the country code (+45, 0045, (+45)).
PHONE_PREFIX = r"(?:(?:\+|00)\d{1,3}|\(\s*(?:\+|00)?\d{1,3}\s*\))[\s./-]?"
PHONE_GAP = r"[\s./-]?"

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
    import phonenumbers

    try:
        return str(phonenumbers.parse(text, "DK").national_number)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", text)


class Redactor:
    """Replaces the identifying strings of the people it knows in free text with pseudonyms.

    Names match whole words only (never inside another word: 'Ole' leaves 'Olesen'), in any
    case, with their Danish genitive and whatever punctuation follows; the longest name at a
    place wins, so a full name becomes one pseudonym. One combined pattern, so a text is read
    once whatever the number of people (the pattern is compiled once per process: `re` caches
    it by its text). A name two people share becomes the first one's pseudonym: it stays
    hidden, though the link may be wrong.
    """

    # Templates pass it to the `redacted` filter; without this they would call it.
    do_not_call_in_templates = True

    def __init__(self, participants: Iterable, staff: Iterable = ()) -> None:
        replacements: dict[str, str] = {}
        phones: dict[str, str] = {}

        def add(values, pseudonym):
            for value in values:
                if value and len(value) >= 2 and not value.isdigit():
                    replacements.setdefault(" ".join(value.split()).lower(), pseudonym)

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
        self._lookup = replacements
        self._phones = phones
        # Longest first, so a full name is replaced before its first name. The look-arounds
        # stand once around the alternation, not on each name: the same matches (when (?!\w)
        # fails after a name the engine backtracks into the group and tries the next, shorter
        # one), but a position inside a word is rejected once instead of once per name.
        names = sorted(replacements, key=len, reverse=True)
        parts = []
        if phones:
            bodies = sorted((PHONE_GAP.join(d) for d in phones), key=len, reverse=True)
            parts.append(rf"(?<![\d+])(?P<phone>(?:{PHONE_PREFIX})?(?:{'|'.join(bodies)}))(?!\d)")
        if names:
            words = "|".join(r"\s+".join(re.escape(w) for w in n.split()) for n in names)
            parts.append(rf"(?<!\w)(?P<name>{words}){GENITIVE}(?!\w)")
        self._pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def _replacement(self, match: re.Match) -> str:
        if match.group("phone") if self._phones else None:
            digits = re.sub(r"\D", "", match.group("phone"))
            for start in range(len(digits)):
                if digits[start:] in self._phones:
                    return self._phones[digits[start:]]
            return match.group(0)
        pseudonym = self._lookup[" ".join(match.group("name").split()).lower()]
        return pseudonym + ("'s" if match.group("genitive") else "")

    def spans(self, text: str | None) -> tuple[str, list[Span]]:
        """The redacted text and where each replacement stands in both texts, so positions
        into the original (a coded excerpt's) can be moved into the redacted one (`moved`)."""
        if not text or self._pattern is None:
            return text or "", []
        pieces: list[str] = []
        spans: list[Span] = []
        last = position = 0
        for match in self._pattern.finditer(text):
            replacement = self._replacement(match)
            pieces += [text[last : match.start()], replacement]
            position += match.start() - last
            spans.append((match.start(), match.end(), position, position + len(replacement)))
            position += len(replacement)
            last = match.end()
        pieces.append(text[last:])
        return "".join(pieces), spans

    def __call__(self, text: str | None) -> str:
        return self.spans(text)[0]


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
