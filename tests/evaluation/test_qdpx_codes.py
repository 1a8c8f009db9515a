"""The REFI-QDA export codes an excerpt with what the evidence citing it backs: the realist code
group of an outcome, context or mechanism, and the ICAMO code a case configuration tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree as ET

from django.urls import reverse

from evaluation import services
from evaluation.models import CodeGroup, ContextFactor, Mechanism, Outcome

from .conftest import record_evaluation

Q = "{urn:QDA-XML:project:1.0}"


def test_qdpx_codes_an_excerpt_by_the_records_its_evidence_backs(
    client, evaluator, case, theory, other_case
):
    configuration = record_evaluation(case, evaluator, theory=theory)
    record_evaluation(other_case, evaluator)
    interview = services.interview_save(
        site=case.site,
        by=evaluator,
        values={
            "pair": case,
            "informant_type": "peer",
            "conducted_on": dt.date(2026, 8, 10),
            "mode": "telephone",
            "transcript": "Peer: We trusted each other, money was short.",
        },
    )
    unit = services.meaning_unit_add(
        source=interview,
        text="We trusted each other, money was short.",
        condensed="Trust; money",
        code_groups=CodeGroup.objects.none(),
        by=evaluator,
    )
    outcome = Outcome.objects.get(pair=case, kind="self_care_awareness")
    targets = [
        outcome,
        ContextFactor.objects.get(pair=case),
        Mechanism.objects.get(pair=case),
        configuration,
    ]
    for target in targets:
        services.evidence_add(
            target=target,
            site_id=case.site_id,
            source_kind="interview",
            quote=unit.text,
            by=evaluator,
            excerpt=unit,
            interview=interview,
        )
    client.force_login(evaluator)

    response = client.get(reverse("evaluation:export_qdpx"))

    root = ET.fromstring(zipfile.ZipFile(io.BytesIO(response.getvalue())).read("project.qde"))
    names = {code.get("guid"): code.get("name") for code in root.iter(f"{Q}Code")}
    selection = next(root.iter(f"{Q}PlainTextSelection"))
    coded = {names[ref.get("targetGUID")] for ref in selection.iter(f"{Q}CodeRef")}
    groups = CodeGroup.objects.filter(
        key__in=[
            "outcomes-self_care_awareness",
            "contexts-finances_occupation",
            "resources-trust",
            "reasonings-trust",
        ]
    )
    assert groups.exists()
    assert {group.name for group in groups} <= coded
    icamo = configuration.theory_configuration
    assert f"v{icamo.theory.version} {icamo.code}" in coded
