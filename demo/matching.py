"""Matching's part of the demo programme (see demo.programme). Idempotent.

Every demo participant gets a match survey (version 1, keyed on the participant); its answers
about the background are the participant's Background, which demo.programme enters. The pairs
named here (AGREED, PROPOSED) are proposed by the logbooks demo, where pairs live; peers 11 and
12 wait in the pool, where Hanne (supporter 1, like the study's
supporter with three peers) has room for more, so "Propose pairs" has something to do.
"""

from __future__ import annotations

from matching.factories import MatchSurveyFactory, MatchWeightsFactory

from .programme import DemoContext

ACTIVITIES = [
    ["walks", "company"],
    ["cooking", "health_system"],
    ["company", "medication"],
    ["walks", "shopping", "social"],
    ["health_system", "emotional"],
]
SLOTS = [
    ["weekday_morning", "weekday_afternoon"],
    ["weekday_afternoon"],
    ["weekday_morning", "weekend_morning"],
    ["weekday_evening", "weekend_afternoon"],
]
MOTIVATION = {
    "supporter": "Jeg ved, hvor svært det kan være, og vil gerne give noget videre.",
    "peer": "Jeg vil gerne have en at gå tur og snakke med om min diabetes.",
}

# (supporter index, peer index) agreed by both, and one proposed pair awaiting answers.
AGREED = [(0, 0), (1, 1), (2, 2), (3, 3)]
PROPOSED = [(9, 9)]


class DemoMatchSurveyFactory(MatchSurveyFactory):
    class Meta:
        django_get_or_create = ("participant", "version")


def _survey_values(kind: str, index: int, participant) -> dict:
    values = {
        "languages": ["da", "ar"] if index % 6 == 3 else ["da"],
        "postcode": participant.postcode,
        "motivation": MOTIVATION[kind],
        "activities": ACTIVITIES[index % len(ACTIVITIES)],
        "years_with_t2d": 3 + (index * 4) % 17,
        "availability": SLOTS[index % len(SLOTS)],
        "smokes": kind == "supporter" and index == 7,
        "has_pets": kind == "supporter" and index in (4, 8),
        "max_distance_km": 15 if kind == "peer" else None,
    }
    if kind == "supporter":
        # Hanne can take three peers; Michael two (he is proposed to a peer and took over a
        # case whose supporter fell ill: demo.evaluation.SUBSTITUTED).
        values["capacity"] = {0: 3, 9: 2}.get(index, 1)
        values["vulnerabilities"] = ["substance_use"] if index in (5, 6) else []
    else:
        values["vulnerabilities"] = [["isolation"], ["mental_health"], ["finances"]][index % 3]
        values["non_smoker_required"] = index == 10
        values["pet_allergy"] = index == 11
    return values


def seed(ctx: DemoContext) -> None:
    manager = ctx.users["manager"]
    MatchWeightsFactory.create(site=ctx.site)
    for kind, people in (("supporter", ctx.supporters), ("peer", ctx.peers)):
        for index, participant in enumerate(people):
            DemoMatchSurveyFactory.create(
                participant=participant,
                version=1,
                is_current=True,
                filled_by=manager,
                **_survey_values(kind, index, participant),
            )
