"""A person's identifiers in the spellings people write them, for erasure.

People do not write "Bent Madsen" only: they write "Hr. Madsen", "Fru Madsen", "B. Madsen",
"Madsens" (the genitive), "2233 4455", "22-33-44-55", "+45 22 33 44 55", "Nørrebrogade 12".
`site_pattern` matches those, and is what erasure looks for in other people's rows of the
person's site; `own_pattern` adds the first name, the last name and the postcode alone, for the
person's own rows, where "Bent" can only be them.

Each pattern also exists as a regular expression the database can run (`site_regex`: the same
alternatives without the word-boundary guards, which PostgreSQL writes differently), so the
rows to rewrite are found by the database and only those are read.
"""

from __future__ import annotations

import re

ERASED = "[erased]"
# Forms of address written before a last name (Danish and English), with or without the dot.
TITLES = ("hr", "herr", "fru", "frk", "frøken", "mr", "mrs", "ms", "miss", "dr")
# Between the digits of a phone number: a space, dash, dot, slash or parenthesis, or none.
DIGIT_GAP = "[^0-9A-Za-z]{0,3}"
GENITIVE = "(?:s|'s|’s)?"
# The national number of a Danish phone (8 digits), after the country code.
COUNTRY_CODE = "45"


def _literal(text: str) -> str:
    """The text as a pattern whose spaces match any run of white space."""
    return r"\s+".join(re.escape(word) for word in text.split())


def _phone(number: str) -> str | None:
    digits = re.sub(r"\D", "", number)
    if len(digits) == 10 and digits.startswith(COUNTRY_CODE):
        digits = digits[2:]
    if len(digits) < 6:
        return None
    prefix = f"(?:(?:\\+|00){DIGIT_GAP}{COUNTRY_CODE}{DIGIT_GAP})?"
    return prefix + DIGIT_GAP.join(digits)


def _names(first_name: str, last_name: str) -> list[str]:
    last = _literal(last_name)
    givens = {first_name.strip(), *first_name.split()[:1]} - {""}
    forms = []
    for given in sorted(givens, key=len, reverse=True):
        forms.append(f"{_literal(given)}\\s+{last}{GENITIVE}")
        forms.append(f"{last},\\s*{_literal(given)}")
        forms.append(f"{re.escape(given[0])}\\.?\\s*{last}{GENITIVE}")
    forms.append(f"(?:{'|'.join(TITLES)})\\.?\\s+{last}{GENITIVE}")
    return forms


def _guarded(alternatives: list[str]) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


class Identifiers:
    """The patterns of one person, built from their record before it is erased."""

    def __init__(self, participant):
        first, last = participant.first_name.strip(), participant.last_name.strip()
        self.values = [
            value
            for value in dict.fromkeys(
                [
                    f"{first} {last}".strip(),
                    participant.email,
                    participant.address,
                    str(participant.phone or ""),
                ]
            )
            if value and len(value) >= 4
        ]
        site = _names(first, last) if first and len(last) >= 2 else []
        if participant.email:
            site.append(re.escape(participant.email))
        address = (participant.address or "").strip()
        # The whole address before the street alone: an alternation takes the first that
        # matches, so the longer must come first or ", 3. th" would be left behind.
        for part in sorted({address, address.split(",")[0].strip()}, key=len, reverse=True):
            if len(part) >= 6:
                site.append(_literal(part))
        phone = _phone(str(participant.phone or ""))
        if phone:
            site.append(phone)
        user = getattr(participant, "user", None)
        if user is not None and user.email and user.email != participant.email:
            site.append(re.escape(user.email))
        own = list(site)
        for word in (first, last):
            if len(word) >= 2:
                own.append(_literal(word) + GENITIVE)
        if participant.postcode:
            own.append(re.escape(participant.postcode))
        # Never an empty alternation: it would match everywhere.
        site = site or [re.escape(ERASED + ERASED)]
        self.site_pattern = _guarded(site)
        self.own_pattern = _guarded(own or site)
        self.site_regex = "(" + "|".join(site) + ")"


def replace(value, pattern: re.Pattern):
    """The value (text, or JSON of lists and dicts) with every match written as [erased]."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [replace(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: replace(item, pattern) for key, item in value.items()}
    return value
