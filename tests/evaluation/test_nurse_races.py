"""The visit form when two requests or two people meet, and after the peer withdrew consent.

- Ten posts of one new visit at the same instant (PostgreSQL, each request on its own
  connection): one visit, no 500, the others answered "Already saved" at the visit.
- A correction made from a page opened before someone else's correction is refused and says
  what they changed; the typed values stay in the form.
- After the peer withdrew routine-data consent the nurse still reads her visit (her clinical
  record), told that consent was withdrawn, and can neither correct it nor start a new one;
  the evaluation leaves the visit out.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from evaluation import reports
from evaluation.models import NurseVisit
from programme import services as programme_services
from programme.models import ConsentDecision, ConsentMethod, ConsentPurpose
from tests.conftest import VerifiedClient

from .test_nurse import VISIT, edit_url


def version_on(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="version" value="([^"]+)"', page).group(1)


@pytest.mark.django_db(transaction=True)
def test_ten_posts_of_a_new_visit_at_once_store_one_visit_and_no_error(nurse, case):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL, as in CI)")
    peer = case.peer
    clients = [VerifiedClient() for _ in range(10)]
    for client in clients:
        client.force_login(nurse)
    form = {**VISIT, "version": version_on(clients[0], edit_url(peer))}
    start = threading.Barrier(len(clients))
    responses = []

    def send(client):
        start.wait()
        try:
            responses.append(client.post(edit_url(peer), form))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    visit = NurseVisit.objects.get(peer=peer, kind="pre")
    detail = reverse("evaluation:nurse_visit_detail", args=[visit.pk])
    assert [r.status_code for r in responses] == [302] * 10
    assert {r["Location"] for r in responses} == {detail}
    notes = [clients[i].get(detail).content.decode() for i in range(10)]
    assert sum("Allerede gemt" in page for page in notes) == 9
    assert sum("Besøget er gemt" in page for page in notes) == 1


def test_a_new_visit_form_sent_again_after_it_was_saved_says_already_saved(client, nurse, case):
    client.force_login(nurse)
    form = {**VISIT, "version": version_on(client, edit_url(case.peer))}
    client.post(edit_url(case.peer), form)
    again = client.post(edit_url(case.peer), form, follow=True)
    assert NurseVisit.objects.count() == 1
    assert "Allerede gemt" in again.content.decode()


def test_a_correction_over_a_newer_correction_is_refused_and_says_what_changed(client, nurse, case):
    client.force_login(nurse)
    client.post(edit_url(case.peer), VISIT)
    colleague = VerifiedClient()
    colleague.force_login(nurse)  # the same nurse on her tablet and her desk computer
    stale = version_on(client, edit_url(case.peer))
    colleague.post(
        edit_url(case.peer),
        {**VISIT, "hba1c_mmol_mol": "58", "version": version_on(colleague, edit_url(case.peer))},
    )
    response = client.post(edit_url(case.peer), {**VISIT, "systolic_mmhg": "150", "version": stale})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nogen anden har gemt" in page and "HbA1c (mmol/mol): 58" in page
    assert 'value="150"' in page  # what this nurse typed is still in the form
    visit = NurseVisit.objects.get()
    assert (visit.hba1c_mmol_mol, visit.systolic_mmhg) == (58, 145)  # the other's save stands
    # Saving the shown form again is a deliberate choice: it is saved.
    fresh = re.search(r'name="version" value="([^"]+)"', page).group(1)
    client.post(edit_url(case.peer), {**VISIT, "systolic_mmhg": "150", "version": fresh})
    assert NurseVisit.objects.get().systolic_mmhg == 150


def _withdraw_evaluation_consent(peer, by):
    programme_services.consent_record(
        participant=peer,
        purpose=ConsentPurpose.ROUTINE_DATA,
        decision=ConsentDecision.WITHDRAWN,
        decided_on=dt.date(2026, 3, 1),
        method=ConsentMethod.WRITTEN,
        by=by,
    )


def test_after_consent_is_withdrawn_the_nurse_reads_her_visit_but_records_nothing_new(
    client, nurse, manager, evaluator, case
):
    client.force_login(nurse)
    client.post(edit_url(case.peer), VISIT)
    visit = NurseVisit.objects.get()
    detail = reverse("evaluation:nurse_visit_detail", args=[visit.pk])
    _withdraw_evaluation_consent(case.peer, manager)

    page = client.get(detail)
    assert page.status_code == 200
    text = page.content.decode()
    assert "trukket sit samtykke til brug af rutinedata i evalueringen tilbage" in text
    assert edit_url(case.peer) not in text  # no "Correct the visit"

    # The correction form and the post-visit form send her back, saying why; nothing is stored.
    correction = client.get(edit_url(case.peer), follow=True)
    assert correction.redirect_chain[-1][0] == detail
    assert "kan ikke registreres eller rettes" in correction.content.decode()
    posted = client.post(edit_url(case.peer, "post"), {**VISIT, "visited_on": "2026-08-01"})
    assert posted["Location"] == reverse("evaluation:nurse_home")
    assert NurseVisit.objects.count() == 1
    assert NurseVisit.objects.get().hba1c_mmol_mol == 64

    # The evaluation leaves the peer's case, and so the visit, out.
    assert not reports.cases_for(evaluator).filter(peer=case.peer).exists()
