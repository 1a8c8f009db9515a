"""A formula typed into the public interest form reaches the manager's participant CSV as text
(OWASP CSV injection; tod/csvsafe.py)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from tests.programme.test_public import valid

FORMULA = '=HYPERLINK("http://x","y")'


def test_a_formula_in_the_interest_form_is_text_in_the_participant_csv(
    client, manager, site, programme_round
):
    public = reverse("programme:interest", args=[site.slug])
    response = client.post(public, valid(first_name=FORMULA, last_name="@SUM(A1:A9)"))
    assert response.status_code == 302
    client.force_login(manager)
    response = client.get(reverse("programme:participant_list"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    _header, row = list(csv.reader(io.StringIO(response.content.decode())))
    participant_id, first_name, last_name = row[:3]  # the columns' order, in any language
    assert first_name == "'" + FORMULA
    assert last_name == "'@SUM(A1:A9)"
    assert participant_id.isdigit()  # numbers stay numbers
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
