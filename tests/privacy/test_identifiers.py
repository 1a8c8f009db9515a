"""The spellings erasure recognises (tod/privacy/identifiers.py)."""

import pytest

from programme.models import Participant
from tod.privacy.identifiers import Identifiers, replace


@pytest.fixture
def bent():
    return Identifiers(
        Participant(
            first_name="Bent",
            last_name="Madsen",
            phone="+4522334455",
            email="bent@example.org",
            address="Kildevældsgade 17, 3. th",
            postcode="2977",
        )
    )


@pytest.mark.parametrize(
    "text",
    [
        "Bent Madsen",
        "bent  madsen",
        "Bent Madsens",
        "Madsen, Bent",
        "Hr. Madsen",
        "Hr Madsen",
        "Fru Madsen",
        "B. Madsen",
        "B.Madsen",
        "22334455",
        "2233 4455",
        "22-33-44-55",
        "+45 22 33 44 55",
        "0045 2233 4455",
        "+45 22.33.44.55",
        "bent@example.org",
        "Kildevældsgade 17",
        "kildevældsgade 17, 3. th",
    ],
)
def test_every_common_spelling_is_found_in_other_rows(bent, text):
    assert replace(f"Ring til {text}.", bent.site_pattern) == "Ring til [erased]."


@pytest.mark.parametrize("text", ["Madsen", "Bent", "Bentley Madsen", "2977", "122334455"])
def test_a_part_alone_is_not_erased_in_other_peoples_rows(bent, text):
    assert replace(text, bent.site_pattern) == text


@pytest.mark.parametrize("text", ["Bent", "Madsen", "2977"])
def test_in_the_persons_own_rows_a_part_alone_is_erased(bent, text):
    assert replace(f"({text})", bent.own_pattern) == "([erased])"
