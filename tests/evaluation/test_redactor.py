"""The Redactor: what it replaces (names in their Danish forms, contact details in their common
spellings), and that no known name survives whatever the text, while a second pass changes
nothing."""

import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.pseudonyms import Redactor, moved, participant_pseudonym, user_pseudonym
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
    person(5, "Anne", "de la Cour"),
]
STAFF = [SimpleNamespace(id=9, first_name="Maria", last_name="Nurse", email="m@x.dk")]
STAFF[0].get_full_name = lambda: "Maria Nurse"
redact = Redactor(PEOPLE, STAFF)
OLE, BENT = participant_pseudonym(1, Kind.PEER), participant_pseudonym(2, Kind.PEER)
JENS = JENSEN = participant_pseudonym(4, Kind.PEER)


def test_names_are_replaced_whole_longest_first_and_in_any_case():
    assert redact("OLE HANSEN came") == f"{OLE} came"
    assert redact("ole bent said hi") == f"{BENT} said hi"
    assert redact("Olesen and Oleander stay") == "Olesen and Oleander stay"
    assert redact("Ole.") == f"{OLE}."
    assert redact("Maria Nurse called") == f"{user_pseudonym(9)} called"
    assert redact("write to ole@example.org") == f"write to {OLE}"
    assert redact("call +45 20 30 40 50") == f"call {OLE}"
    assert redact("met at Nørregade 4") == f"met at {OLE}"


def test_danish_inflections_and_punctuation():
    assert redact("Oles bil og Hansens have") == f"{OLE}'s bil og {OLE}'s have"
    assert redact("Jens' datter, JENS’ søn og Jens's hund") == (
        f"{JENS}'s datter, {JENS}'s søn og {JENS}'s hund"
    )
    assert redact('»Ole«, (Hansen); Ole! Ole? Ole: "Hansen"') == (
        f'»{OLE}«, ({OLE}); {OLE}! {OLE}? {OLE}: "{OLE}"'
    )
    assert redact("Ole\nHansen kom") == f"{OLE} kom"  # a full name across a line break
    assert redact("Jensens og Olesens") == f"{JENSEN}'s og Olesens"
    assert redact("ring 20-30-40-50, 2030 4050 eller 0045 20304050") == (
        f"ring {OLE}, {OLE} eller {OLE}"
    )
    # Each part of a double surname, but not a particle of a name.
    assert redact("Sørensen") == participant_pseudonym(3, Kind.PEER)
    assert redact("Anne de la Cour") == participant_pseudonym(5, Kind.PEER)
    assert redact("de la") == "de la"


def test_positions_move_with_the_redaction():
    text = "Vi talte om Oles datter og om penge."
    shown, spans = redact.spans(text)
    start = text.index("Oles datter")
    end = start + len("Oles datter")
    assert shown[moved(start, spans) : moved(end, spans, end=True)] == f"{OLE}'s datter"
    found = shown.index("datter og om")
    back = moved(found, spans, back=True)
    assert text[back : moved(found + 12, spans, end=True, back=True)] == "datter og om"


NAME_WORDS = ["ole", "hansen", "bent", "ås", "mette", "sørensen", "jens", "jensen", "maria"]
PIECES = st.sampled_from(
    ["Ole", "ole", "OLE", "Hansen", "Ole Hansen", "Ole Bent", "Ås", "Ole-Sørensen", "Mette",
     "Jens", "Jensen", "Jensens", "Maria", "Nurse", "x", "ø", "1", " ", ".", "-", "_", "\n", ",",
     "s", "'", "’", "Olesen", "perle"]
)  # fmt: skip


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_no_name_word_survives_and_a_second_pass_changes_nothing(text):
    """Whatever the pieces make: no known name stands as a word of its own (a name glued to
    another word by '_' or a letter is another word), and redacting the redacted text again
    leaves it as it is (pages redact what was stored redacted)."""
    out = redact(text)
    for word in re.findall(r"\w+", out):
        assert word.lower() not in NAME_WORDS, (text, out)
    assert redact(out) == out
