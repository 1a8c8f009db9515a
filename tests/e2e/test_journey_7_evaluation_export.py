"""Journey 7: the evaluator opens the evaluation dashboard and downloads the pseudonymised
exports; neither the pages nor the files name anyone."""

import io
import zipfile

import pytest

from evaluation.pseudonyms import case_pseudonym
from programme.models import Participant, Sex
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.evaluation.conftest import (
    PEER_VALUES,
    SUPPORTER_VALUES,
    identifying_values,
    make_case,
    record_evaluation,
)

from .quality import check_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def case(site, programme_round, manager, supporter):
    """Bentholm Madsenius (peer) with Hanne Larsen (the supporter persona), with visits, outcomes
    and an ICAMO configuration recorded."""
    supporter_participant = Participant.objects.get(user=supporter)
    for name, value in SUPPORTER_VALUES.items():
        setattr(supporter_participant, name, value)
    supporter_participant.save()
    pair = make_case(
        site,
        programme_round,
        manager,
        supporter=supporter_participant,
        sex=Sex.MALE,
        **PEER_VALUES,
    )
    record_evaluation(pair, manager)
    return pair


def assert_names_no_one(text: str) -> None:
    found = [value for value in identifying_values() if value in text]
    assert found == []


def download(page, link_name: str):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    return download.suggested_filename, zipfile.ZipFile(io.BytesIO(download.path().read_bytes()))


def test_the_evaluator_downloads_the_pseudonymised_export(open_page, evaluator, case):
    page = open_page("desktop")
    log_in(page, evaluator.username, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Evaluering"
    assert page.get_by_text("1 caseforløb ·").is_visible()
    assert_names_no_one(page.content())
    check_page(page, "journey7-evaluation-dashboard")

    name, archive = download(page, "Alle tabeller (CSV, zip)")
    assert name.startswith("tod-evaluation-") and name.endswith(".zip")
    tables = {n: archive.read(n).decode() for n in archive.namelist()}
    assert "cases.csv" in tables
    pseudonym = case_pseudonym(case.pk)
    assert pseudonym in tables["cases.csv"]  # the case is in it, under its pseudonym...
    assert_names_no_one("\n".join(tables.values()))  # ...and no one's name, contact or birthday

    name, project = download(page, "REFI-QDA-projekt (.qdpx)")
    assert name.endswith(".qdpx")
    contents = "\n".join(project.read(n).decode(errors="replace") for n in project.namelist())
    assert pseudonym in contents
    assert_names_no_one(contents)

    # The pages behind the dashboard's links name no one either.
    page.get_by_role("link", name="Caseforløb", exact=True).click()
    page.wait_for_load_state()
    assert pseudonym in page.content()
    assert_names_no_one(page.content())
    check_page(page, "journey7-cases")
