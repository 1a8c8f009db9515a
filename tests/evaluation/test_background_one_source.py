"""One background per participant (ADR 0013): entered on the match survey or on the participant
page, the same row shows on the other, in the evaluation's sample table (Table 2) and case page
under a pseudonym, and in the matching's scores."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from evaluation import reports
from evaluation.pseudonyms import participant_pseudonym
from matching import scoring
from matching.factories import MatchSurveyFactory
from matching.services import pairing_explain
from programme import services as programme_services
from programme.models import Background, Education, Employment, Origin

TODAY = dt.datetime(2026, 9, 1, 12, 0)


def survey_post(**overrides) -> dict:
    return {
        "languages": ["da"],
        "postcode": "2200",
        "motivation": "To meet someone",
        "activities": ["walks"],
        "years_with_t2d": "5",
        "availability": ["weekday_morning"],
        "capacity": "1",
        "max_distance_km": "",
        "age_min": "",
        "age_max": "",
        "sex_required": "",
        **overrides,
    }


def background_post(**overrides) -> dict:
    return {
        "origin": "",
        "education": "",
        "employment": "",
        "lives_alone": "unknown",
        "complications": [],
        "other_diagnoses": [],
        **overrides,
    }


def row(rows, section, label):
    return next(r for r in rows if str(r.section) == section and str(r.label) == label)


@time_machine.travel(TODAY, tick=False)
def test_background_entered_on_the_match_survey_shows_in_table_2_and_on_the_record(
    client, case, manager, evaluator
):
    client.force_login(manager)
    response = client.post(
        reverse("matching:survey_edit", args=[case.peer_id]),
        survey_post(origin="non_western", education="intermediate", employment="sick_leave"),
    )
    assert response.status_code == 302

    with translation.override("en"):
        rows = reports.sample_table(evaluator, on=dt.date(2026, 9, 1))
        assert row(rows, "Origin", "Non-Western").peers == 1
        assert row(rows, "Education", "Short or intermediate higher education").peers == 1
        assert row(rows, "Employment", "On sick leave").peers == 1
    client.cookies["django_language"] = "en"
    page = client.get(reverse("programme:participant_detail", args=[case.peer_id])).content
    page = page.decode()
    assert "Non-Western" in page and "On sick leave" in page

    client.force_login(evaluator)
    client.cookies["django_language"] = "en"
    case_page = client.get(reverse("evaluation:case_detail", args=[case.pk])).content.decode()
    assert participant_pseudonym(case.peer_id, "peer") in case_page
    assert "On sick leave" in case_page
    assert "Madsenius" not in case_page
    assert reverse("programme:background_edit", args=[case.peer_id]) not in case_page


def test_background_edited_on_the_record_shows_in_the_survey_and_is_scored(client, case, manager):
    peer, supporter = case.peer, case.supporter
    MatchSurveyFactory.create(participant=peer, filled_by=manager, background=False)
    MatchSurveyFactory.create(participant=supporter, filled_by=manager, background=False)
    client.force_login(manager)
    for person, education in ((peer, "long"), (supporter, "long")):
        response = client.post(
            reverse("programme:background_edit", args=[person.pk]),
            background_post(
                origin="western",
                education=education,
                employment="employed",
                lives_alone="true",
                complications=["neuropathy"],
            ),
        )
        assert response.status_code == 302

    form = client.get(reverse("matching:survey_edit", args=[peer.pk])).context["form"]
    assert (form["origin"].value(), form["education"].value(), form["employment"].value()) == (
        "western",
        "long",
        "employed",
    )
    assert {"ethnicity", "education", "occupation"} <= set(
        pairing_explain(peer, supporter)[0]["shared"]
    )

    client.post(
        reverse("programme:background_edit", args=[peer.pk]),
        background_post(origin="western", education="vocational", employment="employed"),
    )
    assert "education" not in pairing_explain(peer, supporter)[0]["shared"]
    background = Background.objects.get(participant=peer)
    assert background.lives_alone is None and background.complications == []


def test_background_page_refuses_a_code_outside_the_lists(client, case, manager):
    client.force_login(manager)
    response = client.post(
        reverse("programme:background_edit", args=[case.peer_id]),
        background_post(education="basic", complications=["gout"]),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"education", "complications"}
    assert not Background.objects.filter(participant=case.peer).exists()


def test_background_survey_leaves_what_it_does_not_ask(client, case, manager):
    """The survey asks four of the seven: living alone and the diagnoses entered on the record
    stay when the survey is saved."""
    programme_services.background_update(
        participant=case.peer,
        values={"lives_alone": True, "other_diagnoses": ["copd"], "education": "short"},
        by=manager,
    )
    client.force_login(manager)
    client.post(
        reverse("matching:survey_edit", args=[case.peer_id]),
        survey_post(origin="danish", education="long", employment="retired"),
    )
    background = Background.objects.get(participant=case.peer)
    assert background.values() == {
        "origin": "danish",
        "education": "long",
        "employment": "retired",
        "lives_alone": True,
        "support_work_experience": False,
        "complications": [],
        "other_diagnoses": ["copd"],
    }


def test_background_update_with_the_same_values_changes_nothing(case, manager):
    values = {"origin": "danish", "education": "long", "complications": ["retinopathy"]}
    first = programme_services.background_update(participant=case.peer, values=values, by=manager)
    again = programme_services.background_update(participant=case.peer, values=values, by=manager)
    assert first.pk == again.pk and Background.objects.count() == 1


@pytest.mark.parametrize(
    ("codes", "choices"),
    [
        (scoring.ETHNICITIES, Origin),
        (scoring.EDUCATIONS, Education),
        (scoring.OCCUPATIONS, Employment),
    ],
)
def test_background_codes_the_scorer_encodes_are_the_vocabulary(codes, choices):
    assert list(codes) == list(choices.values)
