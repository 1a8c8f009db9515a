"""A logbook as a coded source: its source document is coded on its own page as an interview
is, the coded answers are locked in the logbook form, evidence cites a logbook excerpt, and
another site's evaluator finds nothing."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from evaluation.models import CaseConfiguration, CodeGroup, Evidence, MeaningUnit
from evaluation.queries import installation_redactor
from evaluation.sources import logbook_answers, logbook_source_text, source_text
from logbooks import services as logbook_services
from logbooks.forms import LogbookForm
from logbooks.models import Logbook
from tests.conftest import make_user
from tod.accounts.models import Role

TIRED = "Bentholm Madsenius was tired"


def _code(client, logbook, text, group="reasonings-trust"):
    return client.post(
        reverse("evaluation:logbook_detail", args=[logbook.pk]),
        {
            "text": text,
            "condensed": "The peer is tired",
            "code_groups": [CodeGroup.objects.get(key=group).pk],
        },
    )


def test_logbook_coding_page_codes_the_excerpt_as_the_page_shows_it(client, evaluator, full_case):
    logbook = Logbook.objects.get()
    url = reverse("evaluation:logbook_detail", args=[logbook.pk])
    client.force_login(evaluator)
    page = client.get(url).content.decode()
    assert "Madsenius" not in page
    shown = installation_redactor()(TIRED)
    assert shown in page and shown != TIRED

    # The evaluator copies the excerpt from the page: with the peer's pseudonym.
    assert _code(client, logbook, shown).status_code == 302

    unit = MeaningUnit.objects.get(logbook=logbook)
    body = source_text(logbook)
    assert body[unit.start : unit.end] == TIRED  # the position points into the stored text
    assert unit.text == shown  # stored pseudonymised
    assert unit.site_id == full_case.site_id
    reloaded = client.get(url).content.decode()
    assert reloaded.count(f"“{shown}”") == 1
    assert reloaded.count('<span class="badge text-bg-light">') == 1  # its code group


def test_logbook_coding_page_refuses_text_not_in_the_logbook(client, evaluator, full_case):
    logbook = Logbook.objects.get()
    client.force_login(evaluator)
    response = _code(client, logbook, "Nothing of this was written")
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not MeaningUnit.objects.filter(logbook=logbook).exists()


def test_logbook_coding_page_of_another_site_is_404(client, other_site, full_case):
    logbook = Logbook.objects.get()
    client.force_login(make_user("evaluator-aarhus", Role.EVALUATOR, [other_site]))
    assert client.get(reverse("evaluation:logbook_detail", args=[logbook.pk])).status_code == 404
    assert _code(client, logbook, TIRED).status_code == 404
    assert not MeaningUnit.objects.filter(logbook=logbook).exists()


def test_logbook_coding_page_is_404_once_the_peer_withdrew_routine_data_consent(
    client, evaluator, manager, full_case
):
    import datetime as dt

    from programme import services as programme_services
    from programme.models import ConsentDecision, ConsentMethod, ConsentPurpose

    programme_services.consent_record(
        participant=full_case.peer,
        purpose=ConsentPurpose.ROUTINE_DATA,
        decision=ConsentDecision.WITHDRAWN,
        decided_on=dt.date(2026, 9, 1),
        method=ConsentMethod.WRITTEN,
        by=manager,
    )
    client.force_login(evaluator)
    url = reverse("evaluation:logbook_detail", args=[Logbook.objects.get().pk])
    assert client.get(url).status_code == 404


def test_logbook_source_text_is_the_same_in_every_language(full_case):
    logbook = Logbook.objects.get()
    with translation.override("en"):
        english = logbook_source_text(logbook_answers(logbook))
    with translation.override("da"):
        danish = logbook_source_text(logbook_answers(logbook))
    assert english == danish
    assert danish.startswith("7. Dine egne refleksioner efter mødet\n")


def test_case_page_links_each_logbook_to_its_coding_page(client, evaluator, full_case):
    client.force_login(evaluator)
    page = client.get(reverse("evaluation:case_detail", args=[full_case.pk])).content.decode()
    assert reverse("evaluation:logbook_detail", args=[Logbook.objects.get().pk]) in page


def test_logbook_coded_answers_are_locked_and_the_others_still_change(
    client, evaluator, supporter, full_case
):
    logbook = Logbook.objects.get()
    client.force_login(evaluator)
    _code(client, logbook, TIRED)
    unit = MeaningUnit.objects.get(logbook=logbook)
    before = source_text(logbook)

    form = LogbookForm(instance=logbook)
    assert form.fields["reflections"].disabled and form.fields["improvements"].disabled
    assert not form.fields["scale_trust"].disabled

    logbook_services.logbook_save(
        meeting=logbook.meeting,
        by=supporter,
        answers={"reflections": "Rewritten entirely.", "improvements": "New", "scale_trust": 5},
    )
    logbook.refresh_from_db()
    assert source_text(logbook) == before
    assert before[unit.start : unit.end] == TIRED
    assert logbook.scale_trust == 5


def test_logbook_form_page_tells_the_supporter_the_written_answers_are_locked(
    client, evaluator, supporter, full_case
):
    logbook = Logbook.objects.get()
    client.force_login(evaluator)
    _code(client, logbook, TIRED)
    client.force_login(supporter)
    page = client.get(reverse("logbooks:logbook_edit", args=[logbook.meeting_id]))
    html = page.content.decode()
    assert "De skrevne svar kan ikke længere ændres" in html  # the page is in Danish
    assert re.search(r'<textarea name="reflections"[^>]*disabled', html)
    assert not re.search(r'<input[^>]*name="scale_trust"[^>]*disabled', html)


def test_evidence_cites_a_logbook_excerpt_as_a_logbook_source(client, evaluator, full_case):
    logbook = Logbook.objects.get()
    client.force_login(evaluator)
    _code(client, logbook, TIRED)
    unit = MeaningUnit.objects.get(logbook=logbook)
    configuration = CaseConfiguration.objects.get()
    case_page = client.get(reverse("evaluation:case_detail", args=[full_case.pk]))
    assert f'value="{unit.pk}"' in case_page.content.decode()

    response = client.post(
        reverse("evaluation:evidence_add", args=["configuration", configuration.pk]),
        {"source_kind": "interview", "stance": "supports", "excerpt": unit.pk, "quote": ""},
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get(excerpt=unit)
    assert evidence.logbook_id == logbook.pk
    assert evidence.source_kind == "logbook"
    assert evidence.quote == unit.text
