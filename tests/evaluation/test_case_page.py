"""The case record: each record shows its own evidence, the visits and backgrounds are there, and
the configuration form offers the case's own records (read once for the page)."""

from __future__ import annotations

from django.urls import reverse

from evaluation import services
from evaluation.models import ContextFactor, Mechanism, Outcome

from .conftest import record_evaluation


def cite(target, case, by, quote):
    return services.evidence_add(
        target=target, site_id=case.site_id, source_kind="logbook", quote=quote, by=by
    )


def test_case_record_shows_each_records_evidence_visits_and_backgrounds(
    client, evaluator, case, other_case
):
    configuration = record_evaluation(case, evaluator)
    record_evaluation(other_case, evaluator)
    outcome = Outcome.objects.filter(pair=case).first()
    context = ContextFactor.objects.get(pair=case)
    mechanism = Mechanism.objects.get(pair=case)
    unlinked = services.context_add(
        pair=case,
        subject="supporter",
        category="finances_occupation",
        influence="facilitating",
        by=evaluator,
    )
    for target, quote in (
        (outcome, "Quote on the outcome"),
        (context, "Quote on the context"),
        (mechanism, "Quote on the mechanism"),
        (configuration, "Quote on the configuration"),
    ):
        cite(target, case, evaluator, quote)
    cite(Outcome.objects.filter(pair=other_case).first(), other_case, evaluator, "Elsewhere")
    client.force_login(evaluator)

    response = client.get(reverse("evaluation:case_detail", args=[case.pk]))

    context_data = response.context
    [with_quote] = [o for o in context_data["outcomes"] if o.evidence_items]
    assert with_quote == outcome
    assert [e.quote for e in with_quote.evidence_items] == ["Quote on the outcome"]
    assert [e.quote for e in context_data["contexts"][0].evidence_items] == ["Quote on the context"]
    assert [e.quote for e in context_data["mechanisms"][0].evidence_items] == [
        "Quote on the mechanism"
    ]
    assert [e.quote for e in context_data["configurations"][0].evidence_items] == [
        "Quote on the configuration"
    ]
    assert context_data["configurations"][0].context_items == [context]
    assert context_data["contexts"] == list(ContextFactor.objects.filter(pair=case))
    assert set(context_data["contexts"]) == {context, unlinked}
    page = response.content.decode()
    assert "Elsewhere" not in page
    assert context_data["pre"].hba1c_mmol_mol == 70
    assert context_data["post"].hba1c_mmol_mol == 62
    assert [p["background"].education for p in context_data["people"]] == ["short", "long"]
    form = context_data["configuration_form"]
    assert [value for value, _label in form.fields["contexts"].choices] == [
        c.pk for c in ContextFactor.objects.filter(pair=case)
    ]
    assert [value for value, _label in form.fields["mechanism"].choices] == ["", mechanism.pk]
    outcomes = [o.pk for o in Outcome.objects.filter(pair=case)]
    assert [value for value, _label in form.fields["outcome"].choices] == ["", *outcomes]
    assert f'value="{mechanism.pk}"' in page


def test_case_record_without_visits_or_backgrounds(client, evaluator, case):
    client.force_login(evaluator)

    response = client.get(reverse("evaluation:case_print", args=[case.pk]))

    assert response.status_code == 200
    assert response.context["pre"] is None and response.context["post"] is None
    assert [p["background"] for p in response.context["people"]] == [None, None]
