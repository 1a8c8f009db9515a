"""Every page runs its own pinned number of queries (PINNED), whatever the amount of data.

Every URL of the access matrix (tests/security/test_access_matrix.py) that answers GET is opened
by each role allowed to open it, in the demo programme, then again after the demo's first site
has grown by demo.scale (many times the pairs, meetings, logbooks, visits, sessions and
participants of the demo, some of the new pairs given to the demo's supporter), and the queries
of each request are counted and compared, exactly, with the page's pin at both sizes
(docs/adr/0006). django-zeal fails any request that loads rows one by one.

A change that adds or saves a query updates the pin in the same commit, saying why; the
failure message prints the whole table as counted, ready to paste.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import VerifiedClient
from tests.security.test_access_matrix import MATRIX, ROLES, build_world

# (URL name, role or None for anonymous) -> queries of one request, the session's, the user's and
# the two-step device's included (sessions in the database here; Redis saves one in production).
PINNED: dict[tuple[str, str | None], int] = {
    ("account_security", "evaluator"): 4,
    ("account_security", "manager"): 4,
    ("account_security", "nurse"): 4,
    ("account_security", "supervisor"): 4,
    ("account_security", "supporter"): 4,
    # the accounts pages (tod/invitations): the accounts of a site with their newest
    # invitations prefetched, the manager's other sites; the link's page one lookup
    ("accounts:index", "manager"): 5,
    ("accounts:invitation_accept", None): 1,
    ("accounts:invite", "manager"): 5,
    ("accounts:site_accounts", "manager"): 8,
    ("audit:participant_log", "manager"): 9,
    # a case across substitute supporters: its pairs and their meetings (2) on its page, its
    # substitutes on the list (1), its pairs in the exports and the engagement report (1 or 2);
    # the case page's mechanism items over time (1); the CSV zip's mechanism items (1) and the
    # programme's meetings, match surveys, training and supervision attendance (4)
    ("evaluation:case_detail", "evaluator"): 24,
    ("evaluation:case_detail", "manager"): 21,
    ("evaluation:case_list", "evaluator"): 10,
    ("evaluation:case_list", "manager"): 10,
    ("evaluation:case_print", "evaluator"): 20,
    ("evaluation:case_print", "manager"): 20,
    ("evaluation:dashboard", "evaluator"): 9,
    ("evaluation:dashboard", "manager"): 9,
    # The exports read once who declined being observed (their pseudonyms are withheld).
    ("evaluation:export_csv", "evaluator"): 34,
    ("evaluation:export_csv", "manager"): 34,
    # the coded units of each chunk of logbooks, with their code groups and evidence (3), and
    # once who declined being observed (1)
    ("evaluation:export_qdpx", "evaluator"): 31,
    ("evaluation:export_qdpx", "manager"): 31,
    # the interview form lists the cases' supporters too (which one, in a case of two) (+1)
    ("evaluation:interview_create", "evaluator"): 5,
    ("evaluation:interview_detail", "evaluator"): 11,
    ("evaluation:interview_detail", "manager"): 10,
    ("evaluation:interview_edit", "evaluator"): 10,
    ("evaluation:interview_list", "evaluator"): 5,
    ("evaluation:interview_list", "manager"): 5,
    ("evaluation:nurse_home", "nurse"): 7,
    ("evaluation:nurse_visit_detail", "nurse"): 7,
    ("evaluation:nurse_visit_edit", "nurse"): 10,
    ("evaluation:observation_create", "evaluator"): 6,
    # a case's logbook coded as a source (the demo codes one per case): the logbook with its
    # pair and peer, the access log, its units with their code groups and themes; the
    # evaluator's form adds the codebook
    ("evaluation:logbook_detail", "evaluator"): 12,
    ("evaluation:logbook_detail", "manager"): 11,
    # One more: who at the observed event may not be observed.
    ("evaluation:observation_detail", "evaluator"): 12,
    ("evaluation:observation_detail", "manager"): 11,
    ("evaluation:observation_list", "evaluator"): 7,
    ("evaluation:observation_list", "manager"): 7,
    ("evaluation:report_engagement", "evaluator"): 7,
    ("evaluation:report_engagement", "manager"): 7,
    ("evaluation:report_icamo", "evaluator"): 10,
    ("evaluation:report_icamo", "manager"): 10,
    # the cases, their pairs, their logbooks' items, and engagement_rows' four
    ("evaluation:report_mechanisms", "evaluator"): 9,
    ("evaluation:report_mechanisms", "manager"): 9,
    # the cases' peers, then their visits' values (the paired statistics are computed in Python)
    ("evaluation:report_prepost", "evaluator"): 5,
    ("evaluation:report_prepost", "manager"): 5,
    ("evaluation:report_sample", "evaluator"): 5,
    ("evaluation:report_sample", "manager"): 5,
    ("evaluation:theory_configuration_edit", "evaluator"): 7,
    ("evaluation:theory_detail", "evaluator"): 12,
    ("evaluation:theory_detail", "manager"): 10,
    ("evaluation:theory_list", "evaluator"): 9,
    ("evaluation:theory_list", "manager"): 7,
    ("healthz", None): 0,
    ("home", "evaluator"): 3,
    ("home", "manager"): 3,
    ("home", "nurse"): 3,
    ("home", "supervisor"): 2,
    ("home", "supporter"): 2,
    ("logbooks:calendar", "supporter"): 3,
    ("logbooks:calendar_feed", None): 3,
    ("logbooks:funder_report", "manager"): 13,
    ("logbooks:information_sheet", "manager"): 3,
    ("logbooks:information_sheet", "supporter"): 2,
    ("logbooks:logbook_detail", "manager"): 8,
    ("logbooks:logbook_detail", "supporter"): 5,
    # whether the evaluation has coded the logbook, which locks its written answers (1)
    ("logbooks:logbook_edit", "supporter"): 5,
    ("logbooks:logbook_paper", "manager"): 5,
    ("logbooks:logbook_list", "manager"): 5,
    ("logbooks:logbook_list", "supporter"): 5,
    ("logbooks:meeting_add", "manager"): 5,
    ("logbooks:meeting_add", "supporter"): 3,
    ("logbooks:meeting_move", "manager"): 5,
    ("logbooks:meeting_move", "supporter"): 3,
    ("logbooks:meeting_outcome", "manager"): 6,
    ("logbooks:meeting_outcome", "supporter"): 4,
    # the one pair page: the manager's stage panels; the substitute's list of eligible supporters
    # is read only when asked for (?substitute=1)
    # +1 for the manager: the mechanism items over the case's logbooks
    ("logbooks:pair_detail", "manager"): 10,
    ("logbooks:pair_detail", "supporter"): 7,
    ("logbooks:pair_list", "manager"): 5,
    ("logbooks:pair_list", "supporter"): 4,
    ("logbooks:plan_edit", "manager"): 6,
    ("login", None): 0,
    ("matching:board", "manager"): 9,  # with the pool's people without a known location
    ("matching:candidates", "manager"): 10,
    ("matching:compare", "manager"): 9,
    ("matching:my_survey", "supporter"): 4,
    ("matching:run_detail", "manager"): 5,
    ("matching:survey_edit", "manager"): 6,
    ("matching:surveys", "manager"): 6,
    ("matching:weights", "manager"): 5,
    ("outbox:list", "manager"): 5,
    ("outbox:preferences", "evaluator"): 4,
    ("outbox:preferences", "manager"): 4,
    ("outbox:preferences", "nurse"): 4,
    ("outbox:preferences", "supervisor"): 3,
    ("outbox:preferences", "supporter"): 3,
    ("password_change", "evaluator"): 3,
    ("password_change", "manager"): 3,
    ("password_change", "nurse"): 3,
    ("password_change", "supervisor"): 2,
    ("password_change", "supporter"): 2,
    ("password_change_done", "evaluator"): 3,
    ("password_change_done", "manager"): 3,
    ("password_change_done", "nurse"): 3,
    ("password_change_done", "supervisor"): 2,
    ("password_change_done", "supporter"): 2,
    ("password_reset", None): 0,
    ("password_reset_complete", None): 0,
    ("password_reset_confirm", None): 1,
    ("password_reset_done", None): 0,
    ("programme:consent_text_list", "manager"): 6,
    ("programme:course_create", "manager"): 6,
    ("programme:course_detail", "manager"): 8,
    ("programme:course_invite", "manager"): 6,
    ("programme:course_list", "manager"): 6,
    ("programme:dashboard", "manager"): 11,
    ("programme:day_attendance", "manager"): 7,
    ("programme:funnel", "manager"): 5,
    ("programme:interest", None): 1,
    ("programme:interest_sites", None): 1,
    ("programme:interest_thanks", None): 1,
    ("programme:my_sessions", "supporter"): 5,
    ("programme:participant_consent", "manager"): 8,
    # the participant's background (ADR 0013): the participant, then their background
    ("programme:background_edit", "manager"): 6,
    ("programme:participant_conversation", "manager"): 5,
    ("programme:participant_create", "manager"): 6,
    ("programme:participant_detail", "manager"): 10,
    ("programme:participant_give_login", "manager"): 5,
    ("programme:participant_edit", "manager"): 10,
    ("programme:participant_list", "manager"): 6,
    # the import's pages: the upload form with the site's rounds and the log; the preview reads
    # the stored file and looks the rows' twins up 500 rows a query
    ("programme:participant_import", "manager"): 10,
    ("programme:participant_import_preview", "manager"): 7,
    ("programme:participant_import_start", "manager"): 5,
    ("programme:participant_import_template", "manager"): 3,
    ("programme:participant_screen", "manager"): 5,
    ("programme:participant_withdraw", "manager"): 5,
    ("programme:round_list", "manager"): 8,
    ("programme:session_attendance", "manager"): 6,
    ("programme:session_attendance", "supervisor"): 4,
    ("programme:session_create", "manager"): 7,
    ("programme:session_detail", "manager"): 10,
    ("programme:session_detail", "supervisor"): 8,
    ("programme:session_edit", "manager"): 6,
    ("programme:session_invite", "manager"): 6,
    ("programme:session_list", "manager"): 5,
    ("programme:session_list", "supervisor"): 4,
    ("programme:session_series", "manager"): 7,
    ("programme:site_settings", "manager"): 7,
    ("programme:site_settings_sites", "manager"): 5,
    ("programme:supervisor_home", "supervisor"): 4,
    ("programme:supporter_home", "supporter"): 7,
    ("programme:waiting_for_training", "manager"): 4,
    ("two_factor_enrol", "evaluator"): 5,
    ("two_factor_enrol", "manager"): 5,
    ("two_factor_enrol", "nurse"): 5,
    ("two_factor_enrol", "supervisor"): 4,
    ("two_factor_enrol", "supporter"): 4,
    ("two_factor_setup", "evaluator"): 5,
    ("two_factor_setup", "manager"): 5,
    ("two_factor_setup", "nurse"): 5,
    ("two_factor_setup", "supervisor"): 5,
    ("two_factor_setup", "supporter"): 5,
    ("two_factor_verify", "evaluator"): 4,
    ("two_factor_verify", "manager"): 4,
    ("two_factor_verify", "nurse"): 4,
    ("two_factor_verify", "supervisor"): 4,
    ("two_factor_verify", "supporter"): 4,
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
    """Grow the demo's first site with demo.scale, and give some of the new pairs (with
    their meetings and logbooks) to the demo's supporter, so every list of every role grows."""
    from demo import scale
    from demo.scale_pairs import seed_pairs
    from logbooks.models import Logbook, Meeting, Pair
    from programme.models import Participant, Round, SessionInvitation

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
def test_every_page_runs_its_pinned_queries_at_two_sizes(monkeypatch, demo_clock):
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
    table = "".join(f"    {page!r}: {count},\n" for page, count in sorted(large.items(), key=str))
    differ = {
        page: (PINNED.get(page), large.get(page))
        for page in PINNED.keys() | large.keys()
        if PINNED.get(page) != large.get(page)
    }
    assert differ == {}, f"(pinned, counted) differ: {differ}; counted:\n{{\n{table}}}"
