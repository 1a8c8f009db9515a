"""Every page runs the same number of queries, at most BOUND, whatever the amount of data.

Every URL of the access matrix (tests/security/test_access_matrix.py) that answers GET is opened
by each role allowed to open it, in the demo programme, then again after the demo's first site
has grown by programme.scale (many times the pairs, meetings, logbooks, visits, sessions and
participants of the demo, some of the new pairs given to the demo's supporter), and the queries
of each request are counted. django-zeal fails any request that loads rows one by one.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import VerifiedClient
from tests.security.test_access_matrix import MATRIX, ROLES, build_world

BOUND = 10  # session, user and two-step device, then the page's own queries
# Pages pinned above BOUND, each with its reason (a constant count still: checked at two sizes).
ABOVE_BOUND = {
    # The manager's dashboard is one query per panel; the "outcome missing" panel (pairs whose
    # plan ended without every outcome recorded) added one.
    ("programme:dashboard", "manager"): 11,
    # Lists read by Prefetch, one query each, where one JSON column of their row was before
    # (evaluation.selectors.JSONRows, removed); the Redactor reads people and staff in two.
    ("evaluation:case_detail", "manager"): 17,
    ("evaluation:case_detail", "evaluator"): 20,
    ("evaluation:case_print", "manager"): 17,
    ("evaluation:case_print", "evaluator"): 17,
    ("evaluation:theory_detail", "evaluator"): 11,
    # The exports: a query per table and per prefetched relation (and per 2,000 rows).
    ("evaluation:export_csv", "manager"): 26,
    ("evaluation:export_csv", "evaluator"): 26,
    ("evaluation:export_qdpx", "manager"): 25,
    ("evaluation:export_qdpx", "evaluator"): 25,
}
GROWN_PAIRS = 30  # the demo's first site has 5 pairs: six times as many
GROWN_POOL = 15


def get_pages(world) -> list[tuple[str, str, str | None]]:
    """(URL name, URL, role or None for anonymous) of every GET page and who may open it."""
    pages = []
    for name, row in sorted(MATRIX.items()):
        if row.post_only or (row.obj and world.kwargs.get(row.obj) is None):
            continue
        url = reverse(name, kwargs=world.kwargs.get(row.obj, {}) if row.obj else {})
        roles = [None] if row.public else [role for role in ROLES if role in row.roles]
        pages += [(name, url, role) for role in roles]
    return pages


def count_queries(world, pages) -> dict[tuple[str, str | None], int]:
    """Queries of each page, opened once all pages have been opened once (which fills the
    per-process caches and writes what opening a page writes, such as the access log); pages
    that answer GET with 405 (form actions) are left out."""
    counts = {}
    clients = {}
    for role in {role for _name, _url, role in pages}:
        clients[role] = VerifiedClient()
        if role is not None:
            clients[role].force_login(world.users[role])
    answered = {(name, role): clients[role].get(url).status_code for name, url, role in pages}
    for name, url, role in pages:
        client = clients[role]
        if answered[(name, role)] == 405:
            continue
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code in (200, 302), f"{name} as {role}: {response.status_code}"
        counts[(name, role)] = len(captured.captured_queries)
    return counts


def grow(world) -> None:
    """Grow the demo's first site with programme.scale, and give some of the new pairs (with
    their meetings and logbooks) to the demo's supporter, so every list of every role grows."""
    from logbooks.models import Logbook, Meeting
    from matching.models import Pair
    from programme import scale
    from programme.models import Participant, Round, SessionInvitation
    from programme.scale_pairs import seed_pairs

    manager = world.users["manager"]
    site = manager.sites.get()
    round_ = Round.objects.filter(site=site).order_by("starts_on").first()
    staff = {role: world.users[role] for role in ("manager", "nurse", "supervisor", "evaluator")}
    grown = scale.seed_site(
        site=site, round_=round_, staff=staff, pairs=GROWN_PAIRS, pool=GROWN_POOL
    )
    seed_pairs(grown)
    hanne = Participant.objects.get(user=world.users["supporter"])
    given = [p.pk for p in grown.sites[0].pairs[: GROWN_PAIRS // 3]]
    Pair.objects.filter(pk__in=given).update(supporter=hanne)
    Meeting.objects.filter(pair__in=given).update(held_by=hanne)
    Logbook.objects.filter(meeting__pair__in=given).update(author=world.users["supporter"])
    sessions = {s.session_id for s in SessionInvitation.objects.filter(participant=hanne)}
    SessionInvitation.objects.bulk_create(
        SessionInvitation(session=session, participant=hanne)
        for session in grown.sites[0].sessions
        if session.pk not in sessions
    )
    # A proposal over the grown pool: the board lists more pairs and more peers left without a
    # supporter.
    from matching.services import match_run_start

    match_run_start(site=site, by=manager)


@pytest.mark.django_db
def test_every_page_runs_the_same_few_queries_at_two_sizes(monkeypatch, demo_clock):
    # At the demo's own date (DEMO_NOW), so that both worlds have sessions to come: once the
    # last of the demo's fixed-date sessions is past, a list that is empty in the small world
    # (one query fewer) and full in the large one would count as growth.
    # The session's "last seen" is written at most once a minute, on whichever request comes
    # then: not a query of the page.
    monkeypatch.setattr("tod.accounts.middleware.LAST_SEEN_GRANULARITY", 10**9)
    world = build_world()
    pages = get_pages(world)
    small = count_queries(world, pages)
    grow(world)
    large = count_queries(world, pages)

    assert len(small) > 60, "the GET pages of the matrix were not all reached"
    changed = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert changed == {}, f"query counts that grow with the data (small, large): {changed}"
    over = {page: count for page, count in large.items() if count > ABOVE_BOUND.get(page, BOUND)}
    assert over == {}, f"pages over {BOUND} queries: {over}"
    pinned = {page: large.get(page) for page in ABOVE_BOUND}
    assert pinned == ABOVE_BOUND, "a page pinned above the bound changed its count: pin it anew"
