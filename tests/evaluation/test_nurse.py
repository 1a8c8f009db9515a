"""The nurse's list of visits due and done, and the visit form."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from evaluation.models import NurseVisit
from programme.models import Kind
from tests.conftest import make_participant

from .conftest import give_evaluation_consent, make_case

VISIT = {
    "visited_on": "2026-01-20",
    "hba1c_mmol_mol": "64",
    "systolic_mmhg": "145",
    "diastolic_mmhg": "90",
    "weight_kg": "98.5",
    "height_cm": "178",
    "waist_cm": "110",
    "medication": ["metformin", "sglt2"],
    "adherence": "mostly",
    "complications": ["hypertension", "neuropathy"],
    "other_diagnoses": ["depression"],
    "gp_contacts": "5",
    "missed_appointments": "2",
    "rehabilitation": "declined",
    "who5_1": "2",
    "who5_2": "2",
    "who5_3": "1",
    "who5_4": "2",
    "who5_5": "1",
    "paid5_1": "2",
    "paid5_2": "2",
    "paid5_3": "3",
    "paid5_4": "2",
    "paid5_5": "1",
    "self_care_note": "Knows what to eat, finds it hard to do.",
}


def edit_url(peer, kind="pre"):
    return reverse("evaluation:nurse_visit_edit", args=[peer.pk, kind])


@pytest.fixture
def peer(case):
    return case.peer


def test_nurse_records_a_pre_visit_and_sees_the_scores(client, nurse, peer):
    client.force_login(nurse)
    response = client.post(edit_url(peer), VISIT)
    visit = NurseVisit.objects.get(peer=peer, kind="pre")
    assert response.status_code == 302
    assert visit.who5_score == 32  # raw 8 x 4
    assert visit.paid5_score == 10
    assert visit.paid5_distress is True
    assert visit.medication == ["metformin", "sglt2"]
    page = client.get(response["Location"]).content.decode()
    assert "64 mmol/mol (8,0 %)" in page
    assert "BMI 31,1" in page


def test_implausible_value_is_refused_with_a_clear_message(client, nurse, peer):
    client.force_login(nurse)
    response = client.post(edit_url(peer), {**VISIT, "hba1c_mmol_mol": "640"})
    assert response.status_code == 200
    assert not NurseVisit.objects.exists()
    assert "640" in response.content.decode()
    assert response.context["form"].errors["hba1c_mmol_mol"]


def test_unusual_value_needs_confirmation(client, nurse, peer):
    client.force_login(nurse)
    response = client.post(edit_url(peer), {**VISIT, "hba1c_mmol_mol": "150"})
    assert response.status_code == 200
    assert not NurseVisit.objects.exists()
    assert 'name="confirm_unusual"' in response.content.decode()
    response = client.post(
        edit_url(peer), {**VISIT, "hba1c_mmol_mol": "150", "confirm_unusual": "on"}
    )
    assert response.status_code == 302
    assert NurseVisit.objects.get().confirmed_warnings == ["hba1c_mmol_mol"]


def test_a_confirmed_unusual_value_is_not_asked_again_until_it_changes(client, nurse, peer):
    """Found by the round-trip test: opening a saved visit with a confirmed unusual value and
    saving it unchanged was refused until the box was ticked again."""
    client.force_login(nurse)
    client.post(edit_url(peer), {**VISIT, "hba1c_mmol_mol": "150", "confirm_unusual": "on"})
    response = client.post(edit_url(peer), {**VISIT, "hba1c_mmol_mol": "150", "waist_cm": "99"})
    assert response.status_code == 302
    assert NurseVisit.objects.get().confirmed_warnings == ["hba1c_mmol_mol"]
    response = client.post(edit_url(peer), {**VISIT, "hba1c_mmol_mol": "160"})
    assert response.status_code == 200  # another unusual value: confirm it
    assert NurseVisit.objects.get().hba1c_mmol_mol == 150


def test_saving_again_corrects_the_visit(client, nurse, peer):
    client.force_login(nurse)
    client.post(edit_url(peer), VISIT)
    client.post(edit_url(peer), {**VISIT, "hba1c_mmol_mol": "60"})
    assert NurseVisit.objects.get().hba1c_mmol_mol == 60


def test_bad_kind_is_404(client, nurse, peer):
    client.force_login(nurse)
    assert client.get(edit_url(peer, "middle")).status_code == 404


def test_peer_without_evaluation_consent_gets_no_visit(client, nurse, site, manager):
    peer = make_participant(site, Kind.PEER)
    client.force_login(nurse)
    assert client.get(edit_url(peer)).status_code == 404
    give_evaluation_consent(peer, manager, decision="declined")
    assert client.get(edit_url(peer)).status_code == 404


def test_other_sites_peer_is_404(client, nurse, other_case):
    client.force_login(nurse)
    assert client.get(edit_url(other_case.peer)).status_code == 404


@pytest.mark.parametrize("persona", ["manager", "supporter", "supervisor", "evaluator", "outsider"])
def test_only_the_nurse_records_visits(client, request, persona, peer):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(edit_url(peer)).status_code == 403
    assert client.get(reverse("evaluation:nurse_home")).status_code == 403


@time_machine.travel(dt.datetime(2026, 7, 25, 9, 0), tick=False)
def test_nurse_home_shows_visits_due_and_done(client, nurse, peer, case):
    client.force_login(nurse)
    page = client.get(reverse("evaluation:nurse_home")).content.decode()
    assert peer.full_name in page
    assert edit_url(peer) in page
    client.post(edit_url(peer), VISIT)
    page = client.get(reverse("evaluation:nurse_home") + "?show=due").content.decode()
    # the pair started 1 Feb: post-visit due 1 Aug, within two weeks
    assert reverse("evaluation:nurse_visit_edit", args=[peer.pk, "post"]) in page


def test_nurse_home_runs_constant_queries(
    client, nurse, site, programme_round, manager, django_assert_max_num_queries
):
    client.force_login(nurse)
    make_case(site, programme_round, manager)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("evaluation:nurse_home")).status_code == 200
    for _ in range(30):
        make_case(site, programme_round, manager)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("evaluation:nurse_home")).status_code == 200


def test_post_visit_form_shows_the_pre_visit(client, nurse, peer):
    client.force_login(nurse)
    client.post(edit_url(peer), VISIT)
    page = client.get(edit_url(peer, "post")).content.decode()
    assert "64 mmol/mol (8,0 %)" in page
