"""No page the evaluator can open shows a name (issue 15, High 3): every free-text field of the
evaluation (and the logbooks cited as evidence) is written, as it is and past the Redactor that
stores text pseudonymised, with the names of a participant of another site and of staff in
their Danish forms ("Henriks datter", "Kirstens mand", "Poulsens nabo", "Marias søster"), and
every evaluator page, the choice labels and the edit forms' stored values included, and both
exports are searched for them."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, reverse

from evaluation import services
from evaluation import urls as evaluation_urls
from evaluation.models import (
    CodeGroup,
    Evidence,
    Interview,
    MeaningUnit,
    Observation,
    ProgrammeTheory,
    TheoryConfiguration,
)
from logbooks.models import Logbook
from programme.models import Kind
from tests.conftest import make_participant, make_user
from tod.accounts.roles import Role

# Henrik Bøgh and Kirsten Dahl: participants of another site; Lone Poulsen: a nurse of another
# site; Maria: the manager of the evaluated site; Bentholm Madsenius: the case's own peer.
TEXT = "Henriks datter, Kirstens mand og Poulsens nabo kom; Marias søster ringede til Madsenius."
SHORT = "Kirstens mand"  # for the short fields (a configuration's code)
NAMES = ["Henrik", "Bøgh", "Kirsten", "Dahl", "Poulsen", "Lone", "Maria", "Bentholm", "Madsenius"]

# Free text that is no one's writing: the codebook, seeded with the installation.
NOT_FREE_TEXT = {CodeGroup, CodeGroup._meta.get_field("theme").related_model}
# Pages that only take a POST.
POST_ONLY = {
    "outcome_save",
    "context_add",
    "mechanism_add",
    "case_configuration_add",
    "evidence_add",
    "record_delete",
    "theory_configuration_add",
}
# The nurse's pages: the evaluator may not open them (their notes are on the case page).
NURSE_ONLY = {"nurse_home", "nurse_visit_edit", "nurse_visit_detail"}


def free_text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.unique
        and field.name not in ("key", "slug")
    ]


def write_names_everywhere() -> list[str]:
    """Every free-text field of every evaluation record, and the logbooks' texts, set to TEXT
    (SHORT where TEXT does not fit) in the table, as text stored before the Redactor knew the
    names would be. Returns the fields written ('Model.field')."""
    from logbooks.models import Logbook

    written = []
    for model in [*apps.get_app_config("evaluation").get_models(), Logbook]:
        if model in NOT_FREE_TEXT:
            continue
        for field in free_text_fields(model):
            fits = field.max_length is None or field.max_length >= len(TEXT)
            if model.objects.update(**{field.name: TEXT if fits else SHORT}):
                written.append(f"{model.__name__}.{field.name}")
    return written


@pytest.fixture
def named_world(full_case, theory, evaluator, manager, other_site):
    """The full case (interview, excerpt, evidence, logbook) and a theory with a refinement,
    an observation and the logbook with a coded unit each, and evidence on every kind of
    record; then the names written into every free text."""
    make_participant(other_site, first_name="Henrik", last_name="Bøgh")
    make_participant(other_site, Kind.SUPPORTER, first_name="Kirsten", last_name="Dahl")
    make_user("other-nurse", Role.NURSE, [other_site], first_name="Lone", last_name="Poulsen")
    pair = full_case
    observation = services.observation_save(
        site=pair.site,
        by=evaluator,
        values={
            "setting": "supervision",
            "observed_on": dt.date(2026, 5, 1),
            "title": "Supervision in May",
            "field_notes": "The supporters talked about trust.",
        },
    )
    unit = services.meaning_unit_add(
        source=observation,
        text="talked about trust",
        code_groups=CodeGroup.objects.filter(key="reasonings-trust"),
        by=evaluator,
    )
    configuration = TheoryConfiguration.objects.get(theory=theory)
    for target in [
        configuration,
        pair.outcomes.first(),
        pair.contexts.first(),
        pair.mechanisms.first(),
    ]:
        services.evidence_add(
            target=target,
            site_id=pair.site_id,
            source_kind="observation",
            quote=unit.text,
            by=evaluator,
            excerpt=unit,
            observation=observation,
        )
    # The case's logbook coded as a source too.
    logbook = Logbook.objects.get(meeting__pair=pair)
    services.meaning_unit_add(
        source=logbook,
        text="we talked about money",
        code_groups=CodeGroup.objects.filter(key="reasonings-trust"),
        by=evaluator,
    )
    refined = services.theory_create(
        site=pair.site, kind="refined", title="Refined", refines=theory, by=evaluator
    )
    return {
        "pair": pair,
        "theory": theory,
        "refined": refined,
        "configuration": configuration,
        "interview": Interview.objects.get(pair=pair),
        "observation": observation,
        "logbook": logbook,
        "written": write_names_everywhere(),
    }


def evaluator_pages(world) -> dict[str, str]:
    """Every GET page of the evaluation the evaluator may open, by URL name."""
    pair = world["pair"]
    kwargs = {
        "case_detail": {"pk": pair.pk},
        "case_print": {"pk": pair.pk},
        "theory_detail": {"pk": world["theory"].pk},
        "theory_configuration_edit": {"pk": world["configuration"].pk},
        "interview_detail": {"pk": world["interview"].pk},
        "interview_edit": {"pk": world["interview"].pk},
        "observation_detail": {"pk": world["observation"].pk},
        "logbook_detail": {"pk": world["logbook"].pk},
    }
    names = [
        p.name
        for p in evaluation_urls.urlpatterns
        if isinstance(p, URLPattern) and p.name not in POST_ONLY | NURSE_ONLY
    ]
    return {name: reverse(f"evaluation:{name}", kwargs=kwargs.get(name)) for name in names}


def found_names(text: str) -> list[str]:
    return [name for name in NAMES if re.search(rf"(?<!\w){name}", text, re.IGNORECASE)]


@pytest.mark.django_db
def test_no_evaluator_page_shows_a_name_written_into_any_free_text(client, evaluator, named_world):
    # The world holds what the pages show: each kind of free text, with the names.
    for field in [
        "Outcome.description",
        "ContextFactor.description",
        "Mechanism.description",
        "CaseConfiguration.note",
        "Evidence.quote",
        "NurseVisit.self_care_note",
        "NurseVisit.medication_note",
        "Interview.transcript",
        "Interview.notes",
        "Observation.title",
        "Observation.field_notes",
        "MeaningUnit.text",
        "MeaningUnit.condensed",
        "ProgrammeTheory.title",
        "ProgrammeTheory.description",
        "TheoryConfiguration.code",
        "TheoryConfiguration.context",
        "TheoryConfiguration.statement",
        "Logbook.reflections",
    ]:
        assert field in named_world["written"], field
    assert Evidence.objects.filter(quote=TEXT).count() == 5
    assert MeaningUnit.objects.filter(text=TEXT).count() == 3

    client.force_login(evaluator)
    pages = evaluator_pages(named_world)
    assert len(pages) >= 20, sorted(pages)
    leaks = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        if name.startswith("export_"):
            archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
            text = "".join(archive.read(n).decode() for n in archive.namelist())
        else:
            text = response.content.decode()
        if found := found_names(text):
            leaks[name] = found
    assert leaks == {}, f"names shown to the evaluator: {leaks}"


@pytest.mark.django_db
def test_the_texts_still_read_with_pseudonyms(client, evaluator, named_world):
    """Redacted, not removed: the theory page shows the words around the names, the excerpt
    offered as evidence is labelled with them, and the edit forms hold them."""
    client.force_login(evaluator)
    theory = client.get(reverse("evaluation:theory_detail", args=[named_world["theory"].pk]))
    page = theory.content.decode()
    assert re.search(r"[PSU]-[0-9A-F]{8}&#x27;s datter, [PSU]-[0-9A-F]{8}&#x27;s mand", page)
    excerpt = MeaningUnit.objects.filter(observation__isnull=False).get()
    assert re.search(rf'<option value="{excerpt.pk}">[PSU]-[0-9A-F]{{8}}&#x27;s datter', page)
    edit = client.get(
        reverse("evaluation:theory_configuration_edit", args=[named_world["configuration"].pk])
    )
    assert re.search(r"[PSU]-[0-9A-F]{8}&#x27;s nabo kom", edit.content.decode())


@pytest.mark.django_db
def test_a_locked_transcript_is_kept_as_stored_when_the_interview_is_saved(
    client, evaluator, named_world
):
    """The edit form shows the transcript redacted, but saving an interview with coded
    excerpts leaves the stored transcript as it was: the excerpts' positions point into it."""
    interview = named_world["interview"]
    client.force_login(evaluator)
    response = client.post(
        reverse("evaluation:interview_edit", args=[interview.pk]),
        {
            "pair": named_world["pair"].pk,
            "informant_type": interview.informant_type,
            "conducted_on": interview.conducted_on.isoformat(),
            "mode": interview.mode,
            "notes": "Kirstens mand var der.",
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.transcript == TEXT
    assert "Kirsten" not in interview.notes


@pytest.mark.django_db
def test_theory_texts_are_stored_pseudonymised(evaluator, named_world, site):
    theory = services.theory_create(
        site=site, kind="refined", title="Kirstens mand", description=TEXT, by=evaluator
    )
    configuration = services.theory_configuration_save(
        theory=theory,
        by=evaluator,
        values={
            "code": "ICAMO Henrik",
            "intervention": "meetings",
            "context": TEXT,
            "actor": "both",
            "resource": "lived_experience",
            "reasonings": ["trust"],
            "outcome": "self_care_awareness",
            "statement": TEXT,
        },
    )
    theory = ProgrammeTheory.objects.get(pk=theory.pk)
    configuration.refresh_from_db()
    stored = [theory.title, theory.description, configuration.code]
    stored += [configuration.context, configuration.statement]
    assert found_names(" ".join(stored)) == []
    assert Observation.objects.count() == 1
