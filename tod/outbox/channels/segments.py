"""How many SMS a text takes: GSM 03.38 (7-bit) or UCS-2, and the parts it is cut into.

A text whose every character is in the GSM 03.38 default alphabet (Danish æ, ø and å are) goes
as 7-bit septets: 160 in one SMS, 153 in each part of a long one (the rest of the 140 bytes
holds the concatenation header). Characters of the extension table (€ [ ] { } ^ ~ | \\ and form
feed) take two septets, an escape and the character. One character outside both tables (an
emoji, a Polish ł, a Turkish ş) sends the whole text as UCS-2: UTF-16 code units, 70 in one SMS
and 67 per part; a character outside the Basic Multilingual Plane (most emoji) takes two. A part
never ends inside an escape pair or a surrogate pair, so a long text can need one part more
than its length divided by 153 or 67.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7 = "GSM 03.38"
UCS2 = "UCS-2"

# The default alphabet in table order, without 0x1B (the escape to the extension table).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM 03.38) or UTF-16 code units (UCS-2)
    segments: int  # SMS the text is sent as

    @property
    def per_segment(self) -> int:
        return SINGLE[self.encoding] if self.segments == 1 else PART[self.encoding]


def encoding_of(text: str) -> str:
    return GSM7 if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text) else UCS2


def _cost(char: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if char in GSM_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def sms_parts(text: str) -> list[str]:
    """The text cut as the network carries it: one part if it fits one SMS, else parts of at
    most 153 septets (67 UCS-2 units), never splitting a character's units."""
    encoding = encoding_of(text)
    if sum(_cost(c, encoding) for c in text) <= SINGLE[encoding]:
        return [text] if text else []
    limit, used = PART[encoding], 0
    parts: list[str] = []
    current: list[str] = []
    for char in text:
        cost = _cost(char, encoding)
        if used + cost > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += cost
    parts.append("".join(current))
    return parts


def sms_length(text: str) -> SmsLength:
    encoding = encoding_of(text)
    return SmsLength(
        encoding=encoding,
        units=sum(_cost(c, encoding) for c in text),
        segments=max(1, len(sms_parts(text))),
    )
