"""The nurse's list of visits due and done, and the visit form."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from evaluation.forms import NurseVisitForm
from evaluation.models import (
    PAID5_ANSWERS,
    PAID5_QUESTIONS,
    WHO5_ANSWERS,
    WHO5_QUESTIONS,
    Adherence,
    Complication,
    Diagnosis,
    Medication,
    NurseVisit,
    Rehabilitation,
)
from programme.models import Kind
from tests.conftest import make_participant
from tests.html_text import definitions, table_rows

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
    home = reverse("evaluation:nurse_home")
    assert client.get(edit_url(peer))["Location"] == home  # told why, on her list
    give_evaluation_consent(peer, manager, decision="declined")
    assert client.get(edit_url(peer))["Location"] == home
    assert client.post(edit_url(peer), VISIT)["Location"] == home
    assert not NurseVisit.objects.exists()


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


# --- every answer comes back, the change per measure, when the post-visit can be recorded -------


def _danish(text) -> str:
    with translation.override("da"):
        return str(text)


@time_machine.travel(dt.datetime(2026, 1, 20, 10, 0), tick=False)
def test_the_visit_page_shows_every_answer_that_was_saved(client, nurse, peer):
    client.force_login(nurse)
    saved = {
        **VISIT,
        "medication_note": "Metformin 500 mg twice a day",
        "other_diagnoses_note": "Arthritis in the left knee",
    }
    response = client.post(edit_url(peer), saved)
    html = client.get(response["Location"]).content.decode()
    shown = definitions(html)

    def labels(choices, codes):
        return ", ".join(_danish(choices(code).label) for code in codes)

    expected = {
        ("hba1c_mmol_mol",): ("HbA1c", "64 mmol/mol (8,0 %)"),
        ("systolic_mmhg", "diastolic_mmhg"): ("Blodtryk", "145/90 mmHg"),
        ("weight_kg", "height_cm"): ("Vægt, højde, BMI", "98,5 kg · 178,0 cm · BMI 31,1"),
        ("waist_cm",): ("Livvidde", "110,0 cm"),
        ("medication",): ("Nuværende diabetesmedicin", labels(Medication, VISIT["medication"])),
        ("medication_note",): ("Medicin, detaljer", "Metformin 500 mg twice a day"),
        ("adherence",): ("Medicintrofasthed", _danish(Adherence("mostly").label)),
        ("complications",): (
            "Diabeteskomplikationer",
            labels(Complication, VISIT["complications"]),
        ),
        ("other_diagnoses",): ("Andre diagnoser", labels(Diagnosis, VISIT["other_diagnoses"])),
        ("other_diagnoses_note",): ("Andre diagnoser, detaljer", "Arthritis in the left knee"),
        ("gp_contacts", "missed_appointments"): (
            "Kontakter til egen læge, udeblivelser",
            "5 · 2",
        ),
        ("rehabilitation",): ("Diabetesrehabilitering", _danish(Rehabilitation("declined").label)),
        ("self_care_note",): ("Opmærksomhed på egenomsorg", VISIT["self_care_note"]),
    }
    for questions, answers, prefix in (
        (WHO5_QUESTIONS, WHO5_ANSWERS, "who5"),
        (PAID5_QUESTIONS, PAID5_ANSWERS, "paid5"),
    ):
        for i, question in enumerate(questions, start=1):
            chosen = dict(answers)[int(VISIT[f"{prefix}_{i}"])]
            expected[(f"{prefix}_{i}",)] = (_danish(question), _danish(chosen))
    covered = {name for names in expected for name in names}
    # Every answer of the form is on the page (the date in the page's lead; the reason for an
    # early post-visit only when there is one: see the tests below).
    assert covered | {"visited_on", "early_reason"} == set(NurseVisitForm.Meta.fields)
    for term, value in expected.values():
        assert shown.get(term) == value, (term, shown.get(term))
    assert "Bentholm Madsenius · 20.01.2026" in html


@time_machine.travel(dt.datetime(2026, 8, 3, 10, 0), tick=False)
def test_after_the_post_visit_the_nurse_sees_the_change_per_measure(client, nurse, peer):
    client.force_login(nurse)
    client.post(edit_url(peer), VISIT)
    after = {
        **VISIT,
        "visited_on": "2026-08-03",
        "hba1c_mmol_mol": "58",
        "systolic_mmhg": "135",
        "diastolic_mmhg": "85",
        "weight_kg": "95,5",
        "waist_cm": "104",
        "gp_contacts": "3",
        "missed_appointments": "0",
        **{f"who5_{i}": "3" for i in range(1, 6)},
        **{f"paid5_{i}": "1" for i in range(1, 6)},
    }
    response = client.post(edit_url(peer, "post"), after, follow=True)
    html = response.content.decode()
    assert "Ændring siden førbesøget" in html
    rows = {row[0]: row[1:] for row in table_rows(html)}
    assert rows["Mål"] == ["Før", "Efter", "Ændring fra før til efter"]
    assert rows["HbA1c (mmol/mol)"] == ["64", "58", "-6"]
    assert rows["Systolisk blodtryk (mmHg)"] == ["145", "135", "-10"]
    assert rows["Diastolisk blodtryk (mmHg)"] == ["90", "85", "-5"]
    assert rows["Vægt (kg)"] == ["98,5", "95,5", "-3,0"]
    assert rows["BMI (kg/m²)"] == ["31,1", "30,1", "-1,0"]
    assert rows["Livvidde (cm)"] == ["110,0", "104,0", "-6,0"]
    assert rows["WHO-5 trivsel (0-100)"] == ["32", "60", "+28"]
    assert rows["PAID-5 diabetesbelastning (0-20)"] == ["10", "5", "-5"]
    assert rows["Kontakter til egen læge (seks måneder)"] == ["5", "3", "-2"]
    assert rows["Udeblivelser (seks måneder)"] == ["2", "0", "-2"]
    # The pre-visit's page compares nothing.
    pre = NurseVisit.objects.get(peer=peer, kind="pre")
    html = client.get(reverse("evaluation:nurse_visit_detail", args=[pre.pk])).content.decode()
    assert "Ændring siden førbesøget" not in html


def _post_link(html: str, peer) -> str | None:
    """The text of the nurse list's link to the peer's post-visit form, if there is one."""
    href = re.escape(edit_url(peer, "post"))
    match = re.search(rf'<a [^>]*href="{href}"[^>]*>([^<]*)</a>', html)
    return match and match.group(1)


@time_machine.travel(dt.datetime(2026, 4, 1, 10, 0), tick=False)
def test_a_post_visit_before_it_is_due_can_be_recorded_with_a_note_saying_why(client, nurse, peer):
    # The pair started 1 February and is active: the post-visit is due 1 August.
    client.force_login(nurse)
    home = client.get(reverse("evaluation:nurse_home")).content.decode()
    assert _post_link(home, peer) == "Registrér efterbesøg før tid"
    form_page = client.get(edit_url(peer, "post")).content.decode()
    assert "efterbesøget skal først laves 01.08.2026" in form_page
    early = {**VISIT, "visited_on": "2026-04-01"}
    response = client.post(edit_url(peer, "post"), early)
    assert response.status_code == 200
    assert response.context["form"].errors["early_reason"]
    assert not NurseVisit.objects.filter(kind="post").exists()
    reason = "Moves to another municipality in May."
    response = client.post(edit_url(peer, "post"), {**early, "early_reason": reason})
    assert response.status_code == 302
    visit = NurseVisit.objects.get(peer=peer, kind="post")
    assert visit.early_reason == reason
    page = definitions(client.get(response["Location"]).content.decode())
    assert page["Registreret før tid, fordi"] == reason
    # Corrected later, the reason stays and can be changed.
    form = client.get(edit_url(peer, "post")).context["form"]
    assert form["early_reason"].value() == reason


@time_machine.travel(dt.datetime(2026, 4, 1, 10, 0), tick=False)
def test_a_post_visit_is_due_once_the_pair_has_ended(client, nurse, manager, peer, case):
    from logbooks.services import pair_end

    pair_end(pair=case, by=manager, reason="The peer moved.")
    client.force_login(nurse)
    home = client.get(reverse("evaluation:nurse_home")).content.decode()
    assert _post_link(home, peer) == "Registrér efterbesøg"
    form = client.get(edit_url(peer, "post")).context["form"]
    assert "early_reason" not in form.fields
    response = client.post(edit_url(peer, "post"), {**VISIT, "visited_on": "2026-04-01"})
    assert response.status_code == 302
    assert NurseVisit.objects.get(peer=peer, kind="post").early_reason == ""


@time_machine.travel(dt.datetime(2026, 4, 1, 10, 0), tick=False)
def test_the_nurse_list_leaves_out_withdrawn_and_not_eligible_peers(
    client, nurse, manager, site, programme_round
):
    from programme import services as programme_services
    from programme.models import CRITERIA, Answer

    staying = make_case(site, programme_round, manager, first_name="Staying").peer
    assert staying.full_name.startswith("Staying")
    withdrawn = make_case(site, programme_round, manager, first_name="Withdrawn").peer
    programme_services.participant_withdraw(
        participant=withdrawn,
        withdrawn_on=dt.date(2026, 3, 30),
        reason="Too much at the moment.",
        initiated_by="participant",
        data_choice="keep",
        by=manager,
    )
    rescreened = make_case(site, programme_round, manager, first_name="Rescreened").peer
    programme_services.screening_record(
        participant=rescreened,
        screened_on=dt.date(2026, 3, 31),
        answers={code: Answer.NO for code, _label in CRITERIA[rescreened.kind]},
        by=manager,
    )
    client.force_login(nurse)
    for show in ("all", "due", "done"):
        page = client.get(reverse("evaluation:nurse_home"), {"show": show}).content.decode()
        assert "Withdrawn" not in page and "Rescreened" not in page
    page = client.get(reverse("evaluation:nurse_home")).content.decode()
    assert "Staying" in page
    # The dashboard's count of visits to do agrees with the list.
    dashboard = client.get(reverse("evaluation:nurse_home")).context["panels"]
    counts = [p.context for p in dashboard if "pre_due" in p.context]
    assert counts == [{"pre_due": 1, "post_due": 0}]
