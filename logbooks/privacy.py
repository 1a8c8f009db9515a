"""Personal data of the logbooks app (tod/personal_data.py)."""

from tod.personal_data import holds_none, kept_input, personal_data

from . import middleware
from .models import (
    CalendarFeed,
    Logbook,
    LogbookComment,
    LogbookVersion,
    Meeting,
    MeetingPlan,
    Pair,
    Pause,
)

# A pair is both people's: its answers, match meeting and end are their shared story.
personal_data(
    Pair,
    subjects=["peer", "supporter"],
    free_text=[
        "end_reason",
        "explanation",
        "refusal_reason",
        "match_meeting_place",
        "expectations",
        "wishes",
    ],
    site="site",
)
# The pair's meetings and logbooks are both people's (the supporter writes them about their
# meetings with the peer); the supporter's login is also their author.
BOTH = ["pair__peer", "pair__supporter"]
personal_data(MeetingPlan, subjects=BOTH, free_text=["place"], site="pair__site")
personal_data(Pause, subjects=BOTH, free_text=["reason"], site="pair__site")
personal_data(
    Meeting, subjects=BOTH, free_text=["place", "activity", "cancel_note"], site="pair__site"
)
# `author` is the supporter's login (the manager's when a supporter without a login hands in a
# paper logbook: the logbook is still the supporter's, through `subjects`). `entered_by`, like
# `reviewed_by` and `support_handled_by`, is a staff login that typed or handled it: no
# participant wrote through it, and staff foreign keys are declared nowhere (a staff login
# is no participant's data), so it is not `written_by`.
personal_data(
    Logbook,
    subjects=[f"meeting__{lookup}" for lookup in BOTH],
    written_by=["author"],
    free_text=[
        "activities",
        "place",
        "topics",
        "relationship",
        "improvements",
        "reflections",
        "challenges",
        "support_with",
    ],
    site="meeting__pair__site",
)
personal_data(
    LogbookVersion,
    subjects=[f"logbook__meeting__{lookup}" for lookup in BOTH],
    written_by=["logbook__author"],
    free_text=["answers"],
    site="logbook__meeting__pair__site",
)
personal_data(
    LogbookComment,
    subjects=[f"logbook__meeting__{lookup}" for lookup in BOTH],
    free_text=["text"],
    site="logbook__meeting__pair__site",
)
holds_none(CalendarFeed, "a secret token for a calendar subscription")

# A logbook rescued after the session ended (middleware.py) is kept under the meeting's key.
kept_input(middleware._key(0).rpartition(":")[0], Meeting)
