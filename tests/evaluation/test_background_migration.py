"""The data migration that carries the evaluation's backgrounds and the current match surveys'
answers into programme.Background (evaluation 0008, ADR 0013), mapping the survey's old
categories to the study's and letting the evaluation's entry win field by field where filled."""

from __future__ import annotations

import datetime as dt

import pytest

from programme.models import Background

BEFORE = [
    ("evaluation", "0007_case_records_on_first_pair"),
    ("matching", "0006_pair_moves_to_logbooks"),
    ("programme", "0014_background"),
]


@pytest.mark.django_db(transaction=True)
def test_background_migration_maps_the_survey_and_lets_the_evaluation_win_where_filled():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Site_, User_ = old.get_model("accounts", "Site"), old.get_model("accounts", "User")
    Person_ = old.get_model("programme", "Participant")
    Survey_ = old.get_model("matching", "MatchSurvey")
    Evaluation_ = old.get_model("evaluation", "Background")
    site = Site_.objects.create(name="Kbh", slug="kbh")
    manager = User_.objects.create(username="manager")

    def person(last_name, kind="peer"):
        return Person_.objects.create(
            site=site,
            kind=kind,
            first_name="A",
            last_name=last_name,
            date_of_birth=dt.date(1960, 1, 1),
            sex="female",
        )

    def survey(who, version=1, is_current=True, **answers):
        Survey_.objects.create(
            participant=who, version=version, is_current=is_current, filled_by=manager, **answers
        )

    both, survey_only, evaluation_only, neither = (
        person("Both", "supporter"),
        person("Survey"),
        person("Evaluation"),
        person("Neither"),
    )
    survey(both, 1, False, ethnicity="non_western", education="long", occupation="retired")
    survey(
        both,
        2,
        ethnicity="western",
        education="basic",
        occupation="disability_pension",
        support_work_experience=True,
    )
    Evaluation_.objects.create(
        participant=both,
        education="intermediate",
        lives_alone=False,
        complications=["hypertension"],
    )
    survey(survey_only, ethnicity="danish", education="short", occupation="sick_leave")
    survey(evaluation_only, ethnicity="", education="medium", occupation="nonsense")
    Evaluation_.objects.create(
        participant=evaluation_only,
        origin="danish",
        employment="early_retirement",
        work_experience_as_support_person=True,
        other_diagnoses=["copd"],
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    def background(who) -> dict:
        return Background.objects.get(participant_id=who.pk).values()

    assert background(both) == {
        "origin": "western",  # the survey's: the evaluation left it empty
        "education": "intermediate",  # the evaluation's wins
        "employment": "early_retirement",  # disability_pension, mapped
        "lives_alone": False,
        "support_work_experience": True,
        "complications": ["hypertension"],
        "other_diagnoses": [],
    }
    assert background(survey_only) == {
        "origin": "danish",
        "education": "vocational",  # "short" was vocational or short education
        "employment": "sick_leave",
        "lives_alone": None,
        "support_work_experience": False,
        "complications": [],
        "other_diagnoses": [],
    }
    assert background(evaluation_only) == {
        "origin": "danish",
        "education": "intermediate",  # the survey's "medium", mapped
        "employment": "early_retirement",  # the survey's unknown code is not carried
        "lives_alone": None,
        "support_work_experience": True,
        "complications": [],
        "other_diagnoses": ["copd"],
    }
    assert not Background.objects.filter(participant_id=neither.pk).exists()
