"""The ICAMO matrix (the study's Table 3) and the mechanisms against the outcomes."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Count

from ..models import CaseConfiguration, Evidence, TheoryConfiguration
from ..models.choices import MechanismCategory, OutcomeKind
from ..queries import evidence_allowed_q
from .cases import case_pairs, cases_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from logbooks.models.pairs import PairQuerySet
    from tod.accounts.models import User

    from ..models import ProgrammeTheory

    Reader = User | AnonymousUser


def icamo_matrix(user: Reader, theory: ProgrammeTheory | None) -> list[dict[str, Any]]:
    """The configurations of one theory version with the cases that support, refute or refine
    each and the evidence cited for it. Three queries."""
    if theory is None:
        return []
    cases = cases_for(user)
    configurations = list(TheoryConfiguration.objects.filter(theory=theory))
    stances: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for row in (
        CaseConfiguration.objects.filter(theory_configuration__in=configurations, pair__in=cases)
        .values("theory_configuration_id", "stance")
        .annotate(n=Count("pair_id", distinct=True))
    ):
        stances[row["theory_configuration_id"]][row["stance"]] += row["n"]
    evidence = _evidence_counts(configurations, cases)
    return [
        {
            "configuration": c,
            "supports": stances[c.pk]["supports"],
            "refutes": stances[c.pk]["refutes"],
            "refines": stances[c.pk]["refines"],
            "evidence": evidence.get(c.pk, 0),
        }
        for c in configurations
    ]


def _evidence_counts(
    configurations: list[TheoryConfiguration], cases: PairQuerySet
) -> dict[int, int]:
    """The evidence cited for each configuration whose source is still in the evaluation."""
    return {
        row["theory_configuration_id"]: row["n"]
        for row in Evidence.objects.filter(theory_configuration__in=configurations)
        .filter(evidence_allowed_q(case_pairs(cases)))
        .values("theory_configuration_id")
        .annotate(n=Count("id"))
    }


def mechanism_outcome_crosstab(user: Reader) -> dict[str, Any]:
    """Case configurations counted by mechanism (rows) and outcome (columns). One query."""
    cases = cases_for(user)
    counts = Counter(
        (row["mechanism__category"], row["outcome__kind"])
        for row in CaseConfiguration.objects.filter(pair__in=cases).values(
            "mechanism__category", "outcome__kind"
        )
    )
    columns = OutcomeKind.choices
    rows = [
        {
            "label": label,
            "kind": MechanismCategory.kind_of(value),
            "cells": [counts[(value, kind)] for kind, _label in columns],
        }
        for value, label in MechanismCategory.choices
    ]
    return {"columns": [label for _v, label in columns], "rows": rows}
