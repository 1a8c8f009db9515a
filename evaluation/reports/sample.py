"""The sample table (the study's Table 2): the peers and supporters of the cases, described."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from programme.models import Kind, Participant, Sex

from ..models import (
    Complication,
    Diagnosis,
    Education,
    Employment,
    Interview,
    NurseVisit,
    Origin,
)
from ..models.choices import VisitKind
from ..pseudonyms import age_on
from ..queries import interviews_allowed_q
from .cases import case_pairs, cases_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from programme.models import Background
    from tod.accounts.models import User

    Reader = User | AnonymousUser


@dataclass
class SampleRow:
    section: str
    label: str
    peers: str | int
    supporters: str | int


def _age_summary(ages: list[int]) -> str:
    if not ages:
        return "–"
    median = statistics.median(ages)
    return f"{floatformat(median, -1)} ({min(ages)}-{max(ages)})"


def sample_table(user: Reader, *, on: dt.date) -> list[SampleRow]:
    """Characteristics of the peers and supporters in the cases (a substitute supporter is a
    supporter of the case too; each person counts once). Two queries."""
    cases = cases_for(user)
    people = list(
        Participant.objects.filter(
            Q(pk__in=cases.values("peer_id")) | Q(pk__in=case_pairs(cases).values("supporter_id"))
        )
        .select_related("background")
        .only(
            "id",
            "kind",
            "sex",
            "date_of_birth",
            "background__origin",
            "background__education",
            "background__employment",
            "background__complications",
            "background__other_diagnoses",
            "background__support_work_experience",
        )
        .annotate(
            # Interviewed: named by an interview they agreed to (a peer who declined only
            # their interview is in the cases, not among the interviewed).
            interviewed=Exists(
                Interview.objects.filter(interviews_allowed_q(), informant=OuterRef("pk"))
            )
        )
    )
    pre_visits: dict[int, Mapping[str, Any]] = {
        v["peer_id"]: v
        for v in NurseVisit.objects.filter(
            kind=VisitKind.PRE, peer_id__in=cases.values("peer_id")
        ).values("peer_id", "complications", "other_diagnoses")
    }
    groups: dict[str, list[Participant]] = {Kind.PEER: [], Kind.SUPPORTER: []}
    for person in people:
        groups.setdefault(person.kind, []).append(person)

    def background(person: Participant) -> Background | None:
        return getattr(person, "background", None)

    def conditions(person: Participant, name: str) -> set[str]:
        values = set(getattr(background(person), name, None) or [])
        visit = pre_visits.get(person.id)
        if visit:
            values |= set(visit[name] or [])
        return values

    rows: list[SampleRow] = []

    def add(
        section: StrOrPromise,
        label: StrOrPromise,
        count_of: Callable[..., str | int],  # of the people; value and name bound as defaults
    ) -> None:
        rows.append(
            SampleRow(
                str(section),
                str(label),
                count_of(groups[Kind.PEER]),
                count_of(groups[Kind.SUPPORTER]),
            )
        )

    add(_("Number"), _("Total"), len)
    add(_("Number"), _("Interviewed"), lambda ps: sum(p.interviewed for p in ps))
    for value, label in Sex.choices:
        add(_("Sex"), label, lambda ps, v=value: sum(p.sex == v for p in ps))
    add(
        _("Age"),
        _("Median (range)"),
        lambda ps: _age_summary(
            [age for p in ps if (age := age_on(p.date_of_birth, on)) is not None]
        ),
    )
    for name, section, choices in (
        ("origin", _("Origin"), Origin.choices),
        ("education", _("Education"), Education.choices),
        ("employment", _("Employment"), Employment.choices),
    ):
        for value, label in choices:
            add(
                section,
                label,
                lambda ps, n=name, v=value: sum(getattr(background(p), n, "") == v for p in ps),
            )
        add(
            section,
            _("Not recorded"),
            lambda ps, n=name: sum(not getattr(background(p), n, "") for p in ps),
        )
    add(
        _("Lived experience"),
        _("Work experience as a support person"),
        lambda ps: sum(bool(getattr(background(p), "support_work_experience", False)) for p in ps),
    )
    add(
        _("Diabetes complications"),
        _("One or more"),
        lambda ps: sum(bool(conditions(p, "complications")) for p in ps),
    )
    for value, label in Complication.choices:
        add(
            _("Diabetes complications"),
            label,
            lambda ps, v=value: sum(v in conditions(p, "complications") for p in ps),
        )
    add(
        _("Other diagnoses"),
        _("One or more"),
        lambda ps: sum(bool(conditions(p, "other_diagnoses")) for p in ps),
    )
    for value, label in Diagnosis.choices:
        add(
            _("Other diagnoses"),
            label,
            lambda ps, v=value: sum(v in conditions(p, "other_diagnoses") for p in ps),
        )
    return rows
