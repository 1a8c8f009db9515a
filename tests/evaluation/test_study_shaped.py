"""The study entered as it happened (tests/evaluation/study.py: twelve completed pairs, ten
consenting supporters, one supporter with three peers, one case with two supporters, eleven
cases, 27 interviews of which seven by telephone, two peers who declined only the interview,
observations of courses, supervisions and a network meeting). Every report, page and export
counts eleven cases.

Run with `-s` to see the tables the fixture produces (the closing note of issue 18 quotes them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from evaluation import reports, services
from evaluation.models import Interview, Observation
from evaluation.pseudonyms import case_pseudonym, participant_pseudonym

from .study import DECLINED_INTERVIEW, build_study
from .test_pseudonymised_export import QDA, project, tables


@pytest.fixture
def study(site, programme_round, manager, nurse, evaluator):
    return build_study(site, programme_round, manager=manager, nurse=nurse, evaluator=evaluator)


def markdown(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def study_tables(user, theory) -> str:
    """The sample table, the outcome summary and pattern, the ICAMO matrix and the paired
    pre/post statistics, as Markdown."""
    sample = reports.sample_table(user, on=dt.date(2027, 3, 1))
    summary = reports.outcome_summary(user)
    pattern = reports.outcome_pattern_rows(reports.outcome_pattern_queryset(user))
    matrix = reports.icamo_matrix(user, theory)
    paired, missing = reports.paired_measures(user)
    return "\n\n".join(
        [
            markdown(
                ["", "", "peers", "supporters"],
                [[r.section, r.label, r.peers, r.supporters] for r in sample],
            ),
            markdown(
                ["outcome", "yes", "no", "unclear", "not assessed"],
                [[s["label"], s["yes"], s["no"], s["unclear"], s["missing"]] for s in summary],
            ),
            markdown(
                ["case", "supporters", "outcomes (awareness, self-management, care use, other)"],
                [
                    [
                        r["case"],
                        ", ".join(r["supporters"]),
                        ", ".join(o.result if o else "–" for o in r["outcomes"]),
                    ]
                    for r in pattern
                ],
            ),
            markdown(
                ["configuration", "supports", "refutes", "refines", "evidence"],
                [
                    [m["configuration"].code, m["supports"], m["refutes"], m["refines"]]
                    + [m["evidence"]]
                    for m in matrix
                ],
            ),
            markdown(
                ["measure", "n", "mean before", "mean after", "change (95 % CI)", "Wilcoxon p"],
                [
                    [
                        p.label,
                        p.n,
                        f"{p.mean_before:.1f}" if p.n else "–",
                        f"{p.mean_after:.1f}" if p.n else "–",
                        f"{p.mean_change:.1f} ({p.ci_low:.1f} to {p.ci_high:.1f})"
                        if p.ci_low is not None
                        else "–",
                        f"{p.wilcoxon_p:.3f}" if p.wilcoxon_p is not None else p.test_skipped,
                    ]
                    for p in paired
                ],
            )
            + f"\n\nvisits missing: {missing}",
        ]
    )


def test_the_study_counts_eleven_cases_in_every_report(client, evaluator, study):
    cases = reports.cases_for(evaluator)
    assert cases.count() == 11
    assert study.outsider_pair not in cases  # its supporter did not consent
    assert study.substitute_pair not in cases  # the substitute continues the fourth case

    with override("en"):
        rows = reports.sample_table(evaluator, on=dt.date(2027, 3, 1))
    sample = {(r.section, r.label): (r.peers, r.supporters) for r in rows}
    assert sample[("Number", "Total")] == (11, 10)
    # Nine peers interviewed (two declined only their interview), and all ten supporters: the
    # case a substitute continued has both its supporters' interviews.
    assert sample[("Number", "Interviewed")] == (9, 10)
    assert sample[("Sex", "Male")] == (9, 6)
    assert sample[("Sex", "Female")] == (2, 4)
    assert sample[("Lived experience", "Work experience as a support person")][1] == 4

    summary = {row["kind"]: row for row in reports.outcome_summary(evaluator)}
    assert summary["self_care_awareness"]["yes"] == 11
    assert summary["self_management"]["yes"] + summary["self_management"]["no"] == 10
    assert summary["other_behaviour"]["missing"] == 11
    pattern = reports.outcome_pattern_rows(reports.outcome_pattern_queryset(evaluator))
    assert sorted(row["case"] for row in pattern) == sorted(
        case_pseudonym(pair.pk) for pair in study.cases
    )
    assert Counter(len(row["supporters"]) for row in pattern) == {1: 10, 2: 1}
    (configuration,) = reports.icamo_matrix(evaluator, study.theory)
    assert (configuration["supports"], configuration["refutes"]) == (11, 0)

    interviews = Interview.objects.filter(site=study.cases[0].site)
    assert interviews.count() == 27
    assert Counter(interviews.values_list("informant_type", flat=True)) == {
        "supporter": 12,
        "peer": 9,
        "project_manager": 3,
        "nurse": 3,
    }
    by_telephone = interviews.filter(mode="telephone")
    assert Counter(by_telephone.values_list("informant_type", flat=True)) == {
        "supporter": 3,
        "peer": 3,
        "project_manager": 1,
    }
    assert interviews.filter(pair__in=cases).values("pair").distinct().count() == 11
    assert Counter(Observation.objects.values_list("setting", flat=True)) == {
        "training": 2,
        "supervision": 2,
        "network_meeting": 1,
    }
    assert all(o.course_id or o.session_id for o in Observation.objects.all())

    paired, missing = reports.paired_measures(evaluator)
    hba1c = next(p for p in paired if p.key == "hba1c_mmol_mol")
    assert (hba1c.n, hba1c.missing_after) == (10, 1)
    assert hba1c.mean_change < 0 and hba1c.ci_high < 0 and hba1c.wilcoxon_p < 0.05
    assert missing == {"peers": 11, "no_pre": 0, "no_post": 1, "neither": 0}

    client.force_login(evaluator)
    listed = client.get(reverse("evaluation:case_list")).content.decode()
    assert sum(case_pseudonym(pair.pk) in listed for pair in study.cases) == 11
    prepost = client.get(reverse("evaluation:report_prepost")).content.decode()
    # The paired plot of HbA1c has ten lines (one per peer with both visits) and its p value
    # is written the Danish way.
    assert "(n=10)" in prepost and f"p = {hba1c.wilcoxon_p:.3f}".replace(".", ",") in prepost

    with override("en"):
        print("\n" + study_tables(evaluator, study.theory))


def test_the_study_exports_count_eleven_cases(client, evaluator, study):
    client.force_login(evaluator)

    exported = tables(client)
    root = project(client)

    assert len(exported["cases"]) == 11
    assert {row["case"] for row in exported["cases"]} == {
        case_pseudonym(pair.pk) for pair in study.cases
    }
    assert len(exported["interviews"]) == 27
    assert {row["case"] for row in exported["interviews"] if row["case"]} <= {
        case_pseudonym(pair.pk) for pair in study.cases
    }
    assert Counter(row["kind"] for row in exported["participants"]) == {"peer": 11, "supporter": 10}
    assert {row["case"] for row in exported["outcomes"]} == {
        case_pseudonym(pair.pk) for pair in study.cases
    }
    assert len(list(root.iter(f"{QDA}Case"))) == 11
    interviews = {row["interview_id"]: row for row in exported["interviews"]}
    substituted = case_pseudonym(study.cases[3].pk)
    assert {row["informant"] for row in interviews.values() if row["case"] == substituted} >= {
        participant_pseudonym(s.pk, "supporter") for s in study.supporters[1:3]
    }


def test_the_peers_who_declined_only_their_interview_keep_their_cases(client, evaluator, study):
    """Two peers declined being interviewed: their own interview is refused, their cases are
    analysed from the supporter's interview about them and the routine data."""
    declined = [study.cases[index] for index in DECLINED_INTERVIEW]
    with pytest.raises(ValidationError, match="informant_type"):
        services.interview_save(
            site=declined[0].site,
            by=evaluator,
            values={
                "pair": declined[0],
                "informant_type": "peer",
                "conducted_on": dt.date(2027, 3, 1),
                "mode": "in_person",
                "transcript": "Interviewer: ...",
            },
        )
    cases = reports.cases_for(evaluator)
    assert all(pair in cases for pair in declined)
    client.force_login(evaluator)
    exported = tables(client)
    for pair in declined:
        rows = [row for row in exported["interviews"] if row["case"] == case_pseudonym(pair.pk)]
        assert [row["informant_type"] for row in rows] == ["supporter"]
        peer = participant_pseudonym(pair.peer_id, "peer")
        assert {row["kind"] for row in exported["nurse_visits"] if row["peer"] == peer} == {
            "pre",
            "post",
        }
        assert any(row["case"] == case_pseudonym(pair.pk) for row in exported["logbooks"])
