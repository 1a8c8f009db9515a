"""Personal data of the matching app (tod/personal_data.py)."""

from tod.personal_data import holds_none, personal_data

from .models import MatchProposal, MatchRule, MatchRun, MatchSurvey, MatchWeights, UnmatchedPeer

personal_data(MatchRule, subjects=["peer", "supporter"], free_text=["reason"], site="site")
personal_data(
    MatchProposal, subjects=["peer", "supporter"], free_text=["explanation"], site="run__site"
)
personal_data(UnmatchedPeer, subjects=["peer"], free_text=["exclusions"], site="run__site")
personal_data(
    MatchSurvey,
    subjects=["participant"],
    identifiers=["postcode", "latitude", "longitude"],
    free_text=["languages", "motivation", "activities", "availability", "vulnerabilities", "notes"],
    site="participant__site",
)
holds_none(MatchWeights, "the manager's weights for the score criteria")
holds_none(MatchRun, "a run's progress, weights and errors; its proposals are declared")
