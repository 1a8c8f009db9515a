"""The Redactor: what it replaces, and that its pattern finds exactly what one look-around pair
per name found (the pattern it replaced, kept here as the reference)."""

import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.pseudonyms import Redactor, participant_pseudonym, user_pseudonym
from programme.models import Kind


def person(pk, first, last, email="", address="", phone=""):
    return SimpleNamespace(
        id=pk,
        kind=Kind.PEER,
        first_name=first,
        last_name=last,
        full_name=f"{first} {last}",
        email=email,
        address=address,
        phone=SimpleNamespace(national_number=phone),
    )


PEOPLE = [
    person(1, "Ole", "Hansen", "ole@example.org", "Nørregade 4, 2200 København", "20304050"),
    person(2, "Ole Bent", "Ås", address="Vej 1"),
    person(3, "Mette", "Ole-Sørensen"),
    person(4, "Jens", "Jensen"),
]
STAFF = [SimpleNamespace(id=9, first_name="Maria", last_name="Nurse", email="m@x.dk")]
STAFF[0].get_full_name = lambda: "Maria Nurse"
redact = Redactor(PEOPLE, STAFF)
OLE, BENT = participant_pseudonym(1, Kind.PEER), participant_pseudonym(2, Kind.PEER)


def test_names_are_replaced_whole_longest_first_and_in_any_case():
    assert redact("OLE HANSEN came") == f"{OLE} came"
    assert redact("ole bent said hi") == f"{BENT} said hi"
    assert redact("Olesen and Oleander stay") == "Olesen and Oleander stay"
    assert redact("Ole.") == f"{OLE}."
    assert redact("Maria Nurse called") == f"{user_pseudonym(9)} called"
    assert redact("write to ole@example.org") == f"write to {OLE}"
    assert redact("call +45 20 30 40 50") == f"call {OLE}"
    assert redact("met at Nørregade 4") == f"met at {OLE}"


def reference(text: str) -> str:
    """The Redactor's previous pattern: look-arounds on every name."""
    keys = sorted(redact._lookup, key=len, reverse=True)
    pattern = re.compile("|".join(r"(?<!\w)" + re.escape(k) + r"(?!\w)" for k in keys), re.I)
    for phone, pseudonym in redact._phones:
        text = phone.sub(pseudonym, text)
    return pattern.sub(lambda m: redact._lookup[m.group(0).lower()], text)


PIECES = st.sampled_from(
    ["Ole", "ole", "OLE", "Hansen", "Ole Hansen", "Ole Bent", "Ås", "Ole-Sørensen", "Mette",
     "Jens", "Jensen", "Jensens", "Maria", "Nurse", "x", "ø", "1", " ", ".", "-", "_", "\n", ","]
)  # fmt: skip


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_the_pattern_finds_what_the_previous_pattern_found(text):
    assert redact(text) == reference(text)
