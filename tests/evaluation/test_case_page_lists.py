"""The case record's short lists (the interviews, each record's evidence and the evaluator's form
choices) in their order, and the page within its query bound."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import MeaningUnit, Outcome, TheoryConfiguration
from logbooks.models import Logbook, LogbookStatus, Meeting, MeetingStatus

from .conftest import record_evaluation

TEXT = 'Æble, øl og "gåtur" – I walk every day now.'


def interview(case, by, on, informant="peer", text=TEXT):
    return services.interview_save(
        site=case.site,
        by=by,
        values={
            "pair": case,
            "informant_type": informant,
            "conducted_on": on,
            "mode": "telephone",
            "transcript": text,
        },
    )


def observation(site, by, text):
    return services.observation_save(
        site=site,
        by=by,
        values={"setting": "training", "observed_on": dt.date(2026, 3, 1), "field_notes": text},
    )


def code(source, by, text):
    return services.meaning_unit_add(source=source, text=text, code_groups=[], by=by)


def logbook(case, author, held_on, status=LogbookStatus.SUBMITTED):
    meeting = Meeting.objects.create(
        pair=case, planned_at=timezone.now(), status=MeetingStatus.HELD, held_on=held_on
    )
    return Logbook.objects.create(meeting=meeting, author=author, status=status)


def test_case_record_lists_are_those_of_the_querysets_they_replace(
    client, evaluator, manager, supporter, case, other_case, theory, other_manager
):
    record_evaluation(case, evaluator, theory=theory)
    outcome = Outcome.objects.filter(pair=case).first()
    for quote in ("Second", "First", "Third"):
        services.evidence_add(
            target=outcome, site_id=case.site_id, source_kind="logbook", quote=quote, by=evaluator
        )
    late = interview(case, evaluator, dt.date(2026, 9, 1))
    early = interview(case, evaluator, dt.date(2026, 8, 1), informant="supporter")
    same_day = interview(case, evaluator, dt.date(2026, 9, 1))
    elsewhere = interview(other_case, other_manager, dt.date(2026, 9, 2))
    code(late, evaluator, 'Æble, øl og "gåtur"')
    code(elsewhere, other_manager, "I walk every day")
    code(observation(case.site, evaluator, TEXT), evaluator, "I walk every day now.")
    code(observation(other_case.site, other_manager, TEXT), other_manager, "Æble")
    logbook(case, supporter, dt.date(2026, 3, 1))
    logbook(case, supporter, dt.date(2026, 2, 1), status=LogbookStatus.REVIEWED)
    logbook(case, supporter, dt.date(2026, 4, 1), status=LogbookStatus.DRAFT)
    client.force_login(evaluator)
    url = reverse("evaluation:case_detail", args=[case.pk])
    client.get(url)  # the first request of the session writes what a first request writes

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    # The session (3) and the user's sites (1), the case, its interviews, the access record,
    # each kind of record with its evidence (8, and the contexts' configurations), the case's
    # pairs and their meetings (2), the Redactor (2), the form choices (3) and the mechanism
    # items over time (the case's logbooks: 1): one query per list, whatever the number of rows.
    assert len(queries) == 24
    data = response.context
    assert data["interviews"] == [same_day, late, early]
    assert [i.conducted_on for i in data["interviews"]] == [
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 1),
        dt.date(2026, 8, 1),
    ]
    [cited] = [o for o in data["outcomes"] if o.pk == outcome.pk]
    assert [e.quote for e in cited.evidence_items] == ["Second", "First", "Third"]
    excerpts = MeaningUnit.objects.for_user(evaluator).filter(
        Q(interview__pair=case) | Q(observation__isnull=False)
    )
    logbooks = Logbook.objects.filter(meeting__pair=case, status__in=("submitted", "reviewed"))
    theory_configurations = TheoryConfiguration.objects.filter(theory__site=case.site)
    offered = {name: data["evidence_form"].fields[name].choices for name in ("excerpt", "logbook")}
    assert offered["excerpt"][1:] == [(u.pk, str(u)) for u in excerpts.order_by("id")]
    assert len(offered["excerpt"]) == 3
    in_order = logbooks.order_by("meeting__held_on", "id")
    assert [value for value, _label in offered["logbook"][1:]] == [b.pk for b in in_order]
    assert [label[-10:] for _value, label in offered["logbook"][1:]] == [
        "01.02.2026",  # in the reader's format (Danish by default)
        "01.03.2026",
    ]
    assert data["configuration_form"].fields["theory_configuration"].choices == [
        ("", "---------"),
        *[(c.pk, str(c)) for c in theory_configurations.select_related("theory")],
    ]
    page = response.content.decode()
    assert "Æble, øl og &quot;gåtur&quot;</option>" in page

    client.force_login(manager)
    printed = client.get(reverse("evaluation:case_print", args=[case.pk]))

    assert printed.context["interviews"] == [same_day, late, early]
    assert "evidence_form" not in printed.context
