"""Access to the evaluation pages for each role, the forms that record a case, and that no
evaluator page or export shows a name, phone number, e-mail, address or date of birth."""

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import (
    CaseConfiguration,
    CodeGroup,
    ContextFactor,
    Evidence,
    Interview,
    MeaningUnit,
    Mechanism,
    Outcome,
)
from evaluation.pseudonyms import case_pseudonym, date_shift_days, participant_pseudonym

from .conftest import identifying_values


def pages(case):
    return [
        reverse("evaluation:dashboard"),
        reverse("evaluation:case_list"),
        reverse("evaluation:case_detail", args=[case.pk]),
        reverse("evaluation:case_print", args=[case.pk]),
        reverse("evaluation:report_sample"),
        reverse("evaluation:report_icamo"),
        reverse("evaluation:report_prepost"),
        reverse("evaluation:report_engagement"),
        reverse("evaluation:report_mechanisms"),
        reverse("evaluation:theory_list"),
        reverse("evaluation:interview_list"),
        reverse("evaluation:observation_list"),
        reverse("evaluation:interview_detail", args=[Interview.objects.get().pk]),
    ]


def assert_pseudonymised(text: str):
    for value in identifying_values():
        assert value not in text, value


def test_evaluator_pages_show_pseudonyms_only(client, evaluator, full_case):
    client.force_login(evaluator)
    for url in pages(full_case):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_pseudonymised(response.content.decode())
    detail = client.get(reverse("evaluation:case_detail", args=[full_case.pk])).content.decode()
    assert case_pseudonym(full_case.pk) in detail
    assert participant_pseudonym(full_case.peer_id, "peer") in detail


def test_csv_export_is_pseudonymised(client, evaluator, full_case):
    client.force_login(evaluator)
    response = client.get(reverse("evaluation:export_csv"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    names = set(archive.namelist())
    assert {
        "cases.csv",
        "participants.csv",
        "nurse_visits.csv",
        "outcomes.csv",
        "contexts.csv",
        "mechanisms.csv",
        "case_configurations.csv",
        "evidence.csv",
        "interviews.csv",
        "observations.csv",
        "meaning_units.csv",
        "logbooks.csv",
        "mechanism_items.csv",
        "programme_theories.csv",
        "theory_configurations.csv",
        "code_groups.csv",
    } <= names
    everything = "".join(archive.read(n).decode() for n in names)
    assert_pseudonymised(everything)
    participants = archive.read("participants.csv").decode()
    assert participant_pseudonym(full_case.peer_id, "peer") in participants
    # The birth year only, of the date of birth moved by the peer's secret offset.
    shift = dt.timedelta(days=date_shift_days("participant", full_case.peer_id))
    assert f",{(full_case.peer.date_of_birth + shift).year}," in participants
    assert "P-" in archive.read("logbooks.csv").decode()  # the name became a pseudonym


def test_qdpx_export_holds_cases_sources_codes_and_codings(client, evaluator, full_case):
    client.force_login(evaluator)
    response = client.get(reverse("evaluation:export_qdpx"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    everything = "".join(archive.read(n).decode() for n in archive.namelist())
    assert_pseudonymised(everything)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    root = ET.fromstring(archive.read("project.qde"))
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    assert [c.tag.split("}")[1] for c in root] == [
        "Users",
        "CodeBook",
        "Variables",
        "Cases",
        "Sources",
    ]
    case = root.find("q:Cases/q:Case", ns)
    assert case.get("name") == case_pseudonym(full_case.pk)
    sources = root.findall("q:Sources/q:TextSource", ns)
    assert len(sources) == 2  # the interview and the logbook
    interview = next(s for s in sources if s.get("name").startswith("Interview"))
    path = interview.get("plainTextPath").replace("internal://", "sources/")
    text = archive.read(path).decode()
    selection = interview.find("q:PlainTextSelection", ns)
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text[start:end] == "I have become more aware that I need to go for walks."
    code_guids = {c.get("guid"): c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    coded = {
        code_guids[r.get("targetGUID")] for r in selection.iter("{urn:QDA-XML:project:1.0}CodeRef")
    }
    assert "Increased self-care awareness" in coded
    assert "v1 ICAMO 1" in coded


@pytest.mark.parametrize("persona", ["supporter", "nurse", "supervisor", "outsider"])
def test_other_roles_cannot_open_the_evaluation(client, request, persona, full_case):
    client.force_login(request.getfixturevalue(persona))
    for url in pages(full_case) + [
        reverse("evaluation:export_csv"),
        reverse("evaluation:export_qdpx"),
    ]:
        assert client.get(url).status_code == 403, url


def test_other_sites_manager_gets_404_for_the_case(client, other_manager, full_case):
    client.force_login(other_manager)
    assert client.get(reverse("evaluation:case_detail", args=[full_case.pk])).status_code == 404
    assert (
        client.get(
            reverse("evaluation:interview_detail", args=[Interview.objects.get().pk])
        ).status_code
        == 404
    )
    page = client.get(reverse("evaluation:case_list")).content.decode()
    assert case_pseudonym(full_case.pk) not in page


def test_manager_reads_but_cannot_edit(client, manager, full_case):
    client.force_login(manager)
    assert client.get(reverse("evaluation:case_detail", args=[full_case.pk])).status_code == 200
    response = client.post(
        reverse("evaluation:context_add", args=[full_case.pk]),
        {"subject": "peer", "category": "energy", "influence": "hindering"},
    )
    assert response.status_code == 403


def test_evaluator_records_a_case_through_the_forms(client, evaluator, case):
    client.force_login(evaluator)
    url = reverse("evaluation:case_detail", args=[case.pk])
    client.post(
        reverse("evaluation:outcome_save", args=[case.pk]),
        {"kind": "self_care_awareness", "result": "yes", "description": "Bentholm walks more"},
    )
    client.post(
        reverse("evaluation:context_add", args=[case.pk]),
        {"subject": "peer", "category": "energy", "influence": "hindering"},
    )
    client.post(
        reverse("evaluation:mechanism_add", args=[case.pk]),
        {"category": "empathy", "actor": "both"},
    )
    outcome = Outcome.objects.get()
    assert "Bentholm" not in outcome.description  # pseudonymised at the door
    context, mechanism = ContextFactor.objects.get(), Mechanism.objects.get()
    assert mechanism.kind == "reasoning"
    response = client.post(
        reverse("evaluation:case_configuration_add", args=[case.pk]),
        {
            "stance": "supports",
            "intervention": "meetings",
            "contexts": [context.pk],
            "actor": "both",
            "mechanism": mechanism.pk,
            "outcome": outcome.pk,
        },
    )
    assert response.status_code == 302
    configuration = CaseConfiguration.objects.get()
    response = client.post(
        reverse("evaluation:evidence_add", args=["configuration", configuration.pk]),
        {"source_kind": "observation", "stance": "supports", "quote": "He opened up to Hanne."},
    )
    assert response.status_code == 302
    assert (
        Evidence.objects.get().quote.startswith("He opened up to U-")
        or "Hanne" not in Evidence.objects.get().quote
    )
    assert client.get(url).status_code == 200


def test_bad_form_input_is_a_message_not_an_error(client, evaluator, case, other_case):
    client.force_login(evaluator)
    response = client.post(
        reverse("evaluation:outcome_save", args=[case.pk]),
        {"kind": "nonsense", "result": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Outcome.objects.exists()
    # a mechanism of another case cannot be linked
    response = client.post(
        reverse("evaluation:context_add", args=[other_case.pk]),
        {"subject": "peer", "category": "energy", "influence": "hindering"},
    )
    assert response.status_code == 404
    assert client.post(reverse("evaluation:evidence_add", args=["nothing", 1])).status_code == 404


def test_coding_a_meaning_unit_needs_the_exact_text(client, evaluator, full_case):
    client.force_login(evaluator)
    interview = Interview.objects.get()
    url = reverse("evaluation:interview_detail", args=[interview.pk])
    group = CodeGroup.objects.get(key="reasonings-trust")
    response = client.post(url, {"text": "not in the transcript", "code_groups": [group.pk]})
    assert response.status_code == 200
    assert MeaningUnit.objects.count() == 1
    response = client.post(url, {"text": "Interviewer: How was it?", "code_groups": [group.pk]})
    assert response.status_code == 302
    assert MeaningUnit.objects.count() == 2


def test_interview_form_pseudonymises_the_transcript(client, evaluator, case):
    client.force_login(evaluator)
    response = client.post(
        reverse("evaluation:interview_create"),
        {
            "pair": case.pk,
            "informant_type": "supporter",
            "conducted_on": "2026-08-12",
            "mode": "in_person",
            "transcript": "Hanne Larsen said Bentholm is doing well.",
        },
    )
    assert response.status_code == 302
    transcript = Interview.objects.get().transcript
    assert "Hanne" not in transcript and "Bentholm" not in transcript
    assert participant_pseudonym(case.peer_id, "peer") in transcript


def test_evaluator_removes_a_record_and_evidence(client, evaluator, full_case):
    client.force_login(evaluator)
    evidence = Evidence.objects.first()
    response = client.post(reverse("evaluation:record_delete", args=["evidence", evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    context = ContextFactor.objects.first()
    client.post(reverse("evaluation:record_delete", args=["context", context.pk]))
    assert not ContextFactor.objects.filter(pk=context.pk).exists()
    assert client.post(reverse("evaluation:record_delete", args=["pair", 1])).status_code == 404
    assert client.get(reverse("evaluation:record_delete", args=["context", 1])).status_code == 405


def test_record_removal_is_refused_to_others(client, manager, other_manager, full_case):
    mechanism = Mechanism.objects.first()
    url = reverse("evaluation:record_delete", args=["mechanism", mechanism.pk])
    client.force_login(manager)
    assert client.post(url).status_code == 403
    client.force_login(other_manager)
    assert client.post(url).status_code == 403
    assert Mechanism.objects.filter(pk=mechanism.pk).exists()


def test_evaluator_edits_a_refined_configuration(client, evaluator, theory, site):
    from evaluation.models import TheoryConfiguration

    refined = services.theory_create(
        site=site, kind="refined", title="Refined", refines=theory, by=evaluator
    )
    copy = TheoryConfiguration.objects.get(theory=refined)
    assert copy.derived_from.theory == theory
    client.force_login(evaluator)
    url = reverse("evaluation:theory_configuration_edit", args=[copy.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "code": "ICAMO 1",
            "intervention": "meetings",
            "context": "Also the supporter's health",
            "actor": "both",
            "resource": "lived_experience",
            "reasonings": ["trust"],
            "outcome": "self_care_awareness",
            "statement": "Refined.",
        },
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.context == "Also the supporter's health"
    assert TheoryConfiguration.objects.get(theory=theory).context == "Peers' life circumstances"


def test_interview_edit_keeps_the_coded_transcript(client, evaluator, full_case, other_manager):
    interview = Interview.objects.get()
    url = reverse("evaluation:interview_edit", args=[interview.pk])
    client.force_login(evaluator)
    response = client.post(
        url,
        {
            "pair": full_case.pk,
            "informant_type": "peer",
            "conducted_on": "2026-08-11",
            "mode": "in_person",
            "transcript": "changed",
            "notes": "Call with Hanne Larsen",
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.conducted_on == dt.date(2026, 8, 11)
    assert interview.transcript != "changed"
    assert "Hanne" not in interview.notes
    client.force_login(other_manager)
    assert client.get(url).status_code == 403
