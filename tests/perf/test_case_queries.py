"""The evaluation's pages and exports read a case across its substitute supporters in a fixed
number of queries (issue 18, item 1): the case list, a case's page, the reports and the
downloads count the same queries for one such case as for five, and for chains of two or three
pairs. The demo (tests/perf/test_page_queries.py) has no substitute; these pages are pinned
here with them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from logbooks.factories import LogbookFactory, MeetingFactory, PairFactory
from logbooks.models import LogbookStatus, MeetingStatus, PairStatus
from programme.models import Kind
from tests.conftest import make_participant
from tests.evaluation.conftest import give_evaluation_consent, record_evaluation

PAGES = [
    ("evaluation:case_list", {}),
    ("evaluation:case_detail", "case"),
    ("evaluation:dashboard", {}),
    ("evaluation:report_sample", {}),
    ("evaluation:report_engagement", {}),
    ("evaluation:export_csv", {}),
    ("evaluation:export_qdpx", {}),
]


def substituted_case(site, programme_round, manager, evaluator, supporters: int):
    """A case whose peer met `supporters` supporters in turn, each pair two held meetings with
    their logbooks, and the case's evaluation recorded."""
    peer = make_participant(site, Kind.PEER, round=programme_round)
    give_evaluation_consent(peer, manager)
    previous = None
    pairs = []
    for n in range(supporters):
        supporter = make_participant(site, Kind.SUPPORTER, round=programme_round)
        give_evaluation_consent(supporter, manager)
        pair = PairFactory.create(
            site=site,
            round=programme_round,
            peer=peer,
            supporter=supporter,
            previous_pair=previous,
            status=PairStatus.ACTIVE if n == supporters - 1 else PairStatus.ENDED,
            started_on=dt.date(2026, 2, 1) + dt.timedelta(weeks=4 * n),
            ended_on=None
            if n == supporters - 1
            else dt.date(2026, 3, 1) + dt.timedelta(weeks=4 * n),
        )
        for week in (0, 2):
            meeting = MeetingFactory.create(
                pair=pair,
                status=MeetingStatus.HELD,
                held_on=pair.started_on + dt.timedelta(weeks=week),
            )
            LogbookFactory.create(
                meeting=meeting, author=manager, status=LogbookStatus.SUBMITTED, activities="Gåtur"
            )
        pairs.append(pair)
        previous = pair
    record_evaluation(pairs[-1], evaluator)
    return pairs[0]


def count(client, name, kwargs) -> int:
    url = reverse(name, kwargs=kwargs)
    client.get(url)  # the first request of the session writes what a first request writes
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (name, response.status_code)
    return len(queries)


@pytest.mark.django_db
def test_pages_count_the_same_queries_for_one_or_five_substituted_cases(
    client, site, programme_round, manager, evaluator
):
    client.force_login(evaluator)
    case = substituted_case(site, programme_round, manager, evaluator, 2)
    few = {
        name: count(client, name, {"pk": case.pk} if kwargs == "case" else kwargs)
        for name, kwargs in PAGES
    }
    for supporters in (2, 3, 3, 2):
        substituted_case(site, programme_round, manager, evaluator, supporters)

    many = {
        name: count(client, name, {"pk": case.pk} if kwargs == "case" else kwargs)
        for name, kwargs in PAGES
    }

    assert many == few
