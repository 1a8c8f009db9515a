"""Helpers of the invitation tests: a trained supporter, and the link out of a message."""

from __future__ import annotations

import re

from programme.models import Kind
from tests.conftest import make_participant
from tests.programme.conftest import consent, make_course, screen, train

LINK = re.compile(r"https?://[^\s]+/accounts/manage/welcome/([^/\s]+)/")


def trained_supporter(site, programme_round, manager, **fields):
    """A supporter screened, with programme consent and both training days: may get a login."""
    fields = {"first_name": "Søren", "last_name": "Holm", "email": "soeren@example.org", **fields}
    participant = make_participant(site, Kind.SUPPORTER, round=programme_round, **fields)
    screen(participant, manager)
    consent(participant, manager)
    train(participant, make_course(site, programme_round, manager), manager)
    return participant


def token_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no invitation link in {text!r}"
    return match.group(1)
