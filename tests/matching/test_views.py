"""The manager's matching pages and the supporter's own survey: access per role, forms, and
constant queries for small and large pools."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logbooks import services as pair_services
from logbooks.models import Pair, PairStatus
from matching import services
from matching.models import MatchRule, MatchRun, MatchSurvey, MatchWeights, RuleKind
from matching.pool import waiting_peers
from programme.models import Kind, Participant
from tests.html_text import table_rows

pytestmark = pytest.mark.django_db

STAFF_WITHOUT_MATCHING = ["supporter", "nurse", "supervisor", "evaluator", "outsider"]


@pytest.fixture
def proposed(manager, peer, pool_supporter):
    return pair_services.pair_propose(peer=peer, supporter=pool_supporter, by=manager)


def survey_post(**overrides):
    data = {
        "origin": "danish",
        "education": "vocational",
        "employment": "retired",
        "languages": ["da"],
        "postcode": "2200",
        "motivation": "To meet someone",
        "activities": ["walks"],
        "years_with_t2d": "5",
        "availability": ["weekday_morning"],
        "capacity": "1",
        "max_distance_km": "",
        "age_min": "",
        "age_max": "",
        "sex_required": "",
    }
    data.update(overrides)
    return data


def urls(peer, supporter, pair):
    return [
        reverse("matching:board"),
        reverse("matching:candidates", args=[peer.pk]),
        reverse("matching:compare", args=[peer.pk, supporter.pk]),
        reverse("matching:surveys"),
        reverse("matching:survey_edit", args=[peer.pk]),
        reverse("matching:weights"),
    ]


def test_manager_opens_every_page(client, manager, peer, pool_supporter, proposed):
    client.force_login(manager)
    for url in urls(peer, pool_supporter, proposed):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", STAFF_WITHOUT_MATCHING)
def test_other_roles_are_refused(client, request, persona, peer, pool_supporter, proposed):
    client.force_login(request.getfixturevalue(persona))
    for url in urls(peer, pool_supporter, proposed):
        assert client.get(url).status_code == 403, url


def test_anonymous_goes_to_login(client, peer, pool_supporter, proposed):
    for url in urls(peer, pool_supporter, proposed):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_other_sites_manager_gets_404(client, other_manager, site, peer, pool_supporter, proposed):
    client.force_login(other_manager)
    every = urls(peer, pool_supporter, proposed)
    pair_page = reverse("logbooks:pair_detail", args=[proposed.pk])
    for url in [every[1], every[2], every[4], pair_page]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("matching:board"), {"site": site.pk}).status_code == 404
    assert client.get(reverse("matching:board"), {"site": "x"}).status_code == 404
    post = client.post(reverse("matching:rule_create", args=[peer.pk, pool_supporter.pk, "forbid"]))
    assert post.status_code == 404
    assert client.post(reverse("logbooks:pair_answer", args=[proposed.pk])).status_code == 404
    assert not MatchRule.objects.exists()


def test_other_sites_manager_sees_their_own_empty_board(client, other_manager, peer):
    client.force_login(other_manager)
    page = client.get(reverse("matching:board")).content.decode()
    assert "Aarhus" in page and peer.first_name not in page


# --- proposals -----------------------------------------------------------------------------------


def test_propose_then_accept_from_the_board(client, manager, site, pool_factory):
    peers = pool_factory(Kind.PEER, 2)
    pool_factory(Kind.SUPPORTER, 2)
    client.force_login(manager)
    response = client.post(reverse("matching:run_start"), {"site": site.pk}, follow=True)
    page = response.content.decode()
    assert peers[0].first_name in page and peers[1].first_name in page
    proposal = response.context["page"].object_list[0]
    response = client.post(reverse("logbooks:proposal_accept", args=[proposal.pk]))
    pair = Pair.objects.get()
    assert response["Location"] == reverse("logbooks:pair_detail", args=[pair.pk])
    assert pair.proposal == proposal and pair.status == PairStatus.PROPOSED
    # accepting twice is refused with a message, not a 500
    again = client.post(reverse("logbooks:proposal_accept", args=[proposal.pk]), follow=True)
    assert again.status_code == 200 and Pair.objects.count() == 1


def test_accept_all_proposes_every_free_pair(client, manager, other_manager, site, pool_factory):
    peers = pool_factory(Kind.PEER, 3)
    supporters = pool_factory(Kind.SUPPORTER, 3)
    pair_services.pair_propose(peer=peers[0], supporter=supporters[2], by=manager)
    run = services.match_run_start(site=site, by=manager)
    assert run.pairs == 2
    client.force_login(other_manager)
    assert client.post(reverse("logbooks:run_accept_all", args=[run.pk])).status_code == 404
    client.force_login(manager)
    client.post(reverse("logbooks:run_accept_all", args=[run.pk]))
    assert Pair.objects.filter(status=PairStatus.PROPOSED).count() == 3
    client.post(reverse("logbooks:run_accept_all", args=[run.pk]))  # twice: nothing new
    assert Pair.objects.count() == 3


def test_board_queries_do_not_grow_with_the_pool(client, manager, site, pool_factory):
    """The same queries with 5 or 300 proposals and 3 or 150 peers left without a supporter
    (every reason among them), and 2 or 77 people without a known location."""
    client.force_login(manager)

    def grow(peers, supporters):
        pool_factory(Kind.PEER, peers)
        pool_factory(Kind.PEER, peers // 4, survey=False)
        pool_factory(Kind.PEER, peers // 4, postcode="3900")
        pool_factory(Kind.PEER, peers // 4, sex_required="male")
        pool_factory(Kind.SUPPORTER, supporters)
        services.match_run_start(site=site, by=manager)
        client.get(reverse("matching:board"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("matching:board"))
        assert response.status_code == 200
        return len(queries), response

    small, _response = grow(8, 5)
    large, response = grow(300, 150)
    assert small == large <= 10
    assert len(response.context["page"].object_list) == 25
    assert len(response.context["unmatched"].object_list) == 25
    assert len(response.context["unlocated"]) == 50
    assert response.context["unlocated_count"] == 77
    run = response.context["run"]
    assert run.pairs + run.unmatched == run.peers


def _left_out(html: str) -> dict[str, str]:
    """The proposal page's peers left without a supporter: name -> why, as the page says it."""
    start = html.index('id="unmatched-heading"')
    return {row[0]: row[1] for row in table_rows(html[start:])[1:]}


@time_machine.travel(dt.datetime(2026, 6, 1, 10, 0), tick=False)
def test_the_proposal_accounts_for_every_waiting_peer_as_the_dashboard_counts_them(
    client, manager, site, pool_factory
):
    supporters = pool_factory(Kind.SUPPORTER, 2, prefix="Lise")  # women, born 1960
    pool_factory(Kind.PEER, 3, prefix="Fits")  # three peers for two places
    (picky,) = pool_factory(Kind.PEER, 1, prefix="Picky", sex_required="male", age_min=80)
    services.rule_set(peer=picky, supporter=supporters[0], kind=RuleKind.FORBID, by=manager)
    (unsurveyed,) = pool_factory(Kind.PEER, 1, prefix="Unsurveyed", survey=False)
    (paired,) = pool_factory(Kind.PEER, 1, prefix="Paired")
    (helper,) = pool_factory(Kind.SUPPORTER, 1, prefix="Helper", capacity=1)
    pair_services.pair_propose(peer=paired, supporter=helper, by=manager)  # not waiting any more
    client.force_login(manager)

    dashboard = client.get(reverse("programme:dashboard")).content.decode()
    assert "5 peers venter på en peer-støtte (1 uden matchskema)" in " ".join(dashboard.split())
    response = client.post(reverse("matching:run_start"), {"site": site.pk}, follow=True)
    html = response.content.decode()
    assert "Forslaget er klar: 2 par til 5 peers, der venter på en peer-støtte." in html
    run = MatchRun.objects.get()
    assert (run.peers, run.pairs, run.unmatched, run.supporters) == (5, 2, 3, 2)
    assert "3 peers står uden en peer-støtte" in html

    left_out = _left_out(html)
    assert len(left_out) == 3
    (no_place,) = [name for name in left_out if name.startswith("Fits")]
    assert left_out[no_place] == (
        "Ingen ledig plads tilbage De 2 peer-støtter, der opfylder kravene, blev foreslået til "
        "andre peers."
    )
    # Which requirement excluded how many of the supporters with a free place, most first.
    assert left_out[picky.full_name] == (
        "Ingen peer-støtte inden for deres krav "
        "Køn (peerens krav): udelukker 2 af 2 peer-støtter "
        "Aldersinterval (peerens krav): udelukker 2 af 2 peer-støtter "
        "Udelukket af projektlederen: udelukker 1 af 2 peer-støtter"
    )
    assert left_out[unsurveyed.full_name] == "Intet matchskema"
    assert reverse("matching:survey_edit", args=[unsurveyed.pk]) in html
    assert paired.full_name not in html

    # Accepting the proposals: the dashboard's waiting peers are the ones the page lists.
    client.post(reverse("logbooks:run_accept_all", args=[run.pk]))
    dashboard = client.get(reverse("programme:dashboard")).content.decode()
    assert "3 peers venter på en peer-støtte (1 uden matchskema)" in " ".join(dashboard.split())
    waiting = {p.full_name for p in waiting_peers().filter(site=site)}
    assert waiting == set(left_out)


def test_no_supporter_with_a_free_place_is_said_so(client, manager, site, pool_factory):
    pool_factory(Kind.PEER, 1, prefix="Alone")
    run = services.match_run_start(site=site, by=manager)
    assert (run.peers, run.pairs, run.unmatched, run.supporters) == (1, 0, 1, 0)
    client.force_login(manager)
    html = client.get(reverse("matching:board")).content.decode()
    (why,) = _left_out(html).values()
    assert why == "Ingen ledig plads tilbage Ingen peer-støtte har en ledig plads."


@pytest.mark.parametrize("candidates", [10, 1000])
def test_candidates_page_runs_constant_queries(
    client, manager, peer, pool_factory, candidates, django_assert_max_num_queries
):
    pool_factory(Kind.SUPPORTER, candidates)
    client.force_login(manager)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("matching:candidates", args=[peer.pk]))
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(candidates, 25)
    assert response.context["page"].paginator.count == candidates


def test_candidates_are_ranked_with_excluded_last_and_explained(
    client, manager, peer, pool_factory
):
    good, far, smoker = pool_factory(Kind.SUPPORTER, 3)
    services.survey_submit(participant=far, answers={"postcode": "8000"}, by=manager)
    services.survey_submit(participant=peer, answers={"non_smoker_required": True}, by=manager)
    services.survey_submit(participant=smoker, answers={"smokes": True}, by=manager)
    client.force_login(manager)
    response = client.get(reverse("matching:candidates", args=[peer.pk]))
    rows = response.context["rows"]
    assert [r["supporter"] for r in rows] == [good, far, smoker]
    assert rows[0]["explanation"]["total"] > rows[1]["explanation"]["total"]
    assert rows[2]["excluded"]
    page = response.content.decode()
    assert "non-smoker" in page or "ikke-ryger" in page.lower()


def test_lock_and_forbid_from_the_candidates(client, manager, peer, pool_supporter):
    client.force_login(manager)
    url = reverse("matching:rule_create", args=[peer.pk, pool_supporter.pk, "forbid"])
    client.post(url, {"reason": "Neighbours"})
    rule = MatchRule.objects.get()
    assert (rule.kind, rule.reason) == (RuleKind.FORBID, "Neighbours")
    page = client.get(reverse("matching:candidates", args=[peer.pk]))
    assert page.context["rows"][0]["excluded"]
    client.post(reverse("matching:rule_delete", args=[rule.pk]))
    assert not MatchRule.objects.exists()
    bad = client.post(reverse("matching:rule_create", args=[peer.pk, pool_supporter.pk, "maybe"]))
    assert bad.status_code == 404
    assert client.get(url).status_code == 405


def test_compare_highlights_shared_answers_and_conflicts(client, manager, peer, pool_supporter):
    services.survey_submit(participant=pool_supporter, answers={"has_pets": True}, by=manager)
    services.survey_submit(participant=peer, answers={"pet_allergy": True}, by=manager)
    client.force_login(manager)
    response = client.get(reverse("matching:compare", args=[peer.pk, pool_supporter.pk]))
    states = [row[3] for row in response.context["rows"]]
    assert states[1] == "shared"  # the same sex
    assert states.count("conflict") == 1
    assert response.context["rows"][12][3] == "conflict"  # has pets
    assert response.context["explanation"]["exclusions"] == [["pets", "peer"]]
    assert "table-danger" in response.content.decode()


def test_manager_overrides_with_another_candidate(client, manager, peer, pool_supporter):
    client.force_login(manager)
    response = client.post(reverse("logbooks:pair_create", args=[peer.pk, pool_supporter.pk]))
    pair = Pair.objects.get()
    assert response["Location"] == reverse("logbooks:pair_detail", args=[pair.pk])


def test_excluded_pair_cannot_be_formed_through_the_page(client, manager, peer, pool_supporter):
    services.survey_submit(participant=peer, answers={"sex_required": "male"}, by=manager)
    client.force_login(manager)
    response = client.post(
        reverse("logbooks:pair_create", args=[peer.pk, pool_supporter.pk]), follow=True
    )
    assert response.status_code == 200 and not Pair.objects.exists()


# --- a pair on its way ---------------------------------------------------------------------------


def test_answers_schedule_and_match_meeting_through_the_pages(client, manager, proposed):
    client.force_login(manager)
    answer = reverse("logbooks:pair_answer", args=[proposed.pk])
    assert client.post(answer, {"side": "peer", "answer": "refused"}).status_code == 400
    client.post(answer, {"side": "peer", "answer": "agreed"})
    client.post(answer, {"side": "supporter", "answer": "agreed"})
    proposed.refresh_from_db()
    assert proposed.status == PairStatus.AGREED
    schedule = reverse("logbooks:pair_schedule", args=[proposed.pk])
    assert client.post(schedule, {"at": "not a date", "place": "x"}).status_code == 400
    client.post(schedule, {"at": "2026-03-02T10:00", "place": "Café"})
    meeting = reverse("logbooks:pair_meeting", args=[proposed.pk])
    assert client.post(meeting, {"held_on": "2026-03-02"}).status_code == 400
    client.post(
        meeting,
        {
            "held_on": "2026-03-02",
            "expectations": "Company",
            "wishes": "Walks",
            "weekday": "0",
            "time": "10:00",
            "place": "Park",
        },
    )
    proposed.refresh_from_db()
    assert proposed.status == PairStatus.ACTIVE
    assert proposed.match_meeting_place == "Café" and proposed.wishes == "Walks"
    assert proposed.started_on == dt.date(2026, 3, 2)


def test_refusal_through_the_page_needs_a_reason_and_excludes(client, manager, proposed):
    client.force_login(manager)
    client.post(
        reverse("logbooks:pair_answer", args=[proposed.pk]),
        {"side": "supporter", "answer": "refused", "reason": "Lives too far"},
    )
    proposed.refresh_from_db()
    assert proposed.status == PairStatus.REFUSED
    assert MatchRule.objects.get().kind == RuleKind.FORBID


def test_substitute_through_the_page(client, manager, peer, pool_factory):
    first, second = pool_factory(Kind.SUPPORTER, 2)
    pair = pair_services.pair_propose(peer=peer, supporter=first, by=manager)
    Pair.objects.filter(pk=pair.pk).update(status=PairStatus.ACTIVE)
    client.force_login(manager)
    pair_page = reverse("logbooks:pair_detail", args=[pair.pk])
    closed = client.get(pair_page).content.decode()
    assert "?substitute=1" in closed and 'name="supporter"' not in closed
    opened = client.get(pair_page, {"substitute": "1"}).content.decode()
    assert 'name="supporter"' in opened and f'value="{second.pk}"' in opened
    url = reverse("logbooks:pair_substitute", args=[pair.pk])
    refused = client.post(url, {"supporter": first.pk, "reason": "x"})
    assert refused.status_code == 400 and 'name="supporter"' in refused.content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(
        url, {"supporter": second.pk, "reason": "Ill health", "took_over_on": today}
    )
    successor = Pair.objects.get(previous_pair=pair)
    assert response["Location"] == reverse("logbooks:pair_detail", args=[successor.pk])


def test_pair_list_paginates_in_constant_queries(
    client, manager, pool_factory, django_assert_max_num_queries
):
    client.force_login(manager)
    supporters = pool_factory(Kind.SUPPORTER, 1, capacity=5)
    for p in pool_factory(Kind.PEER, 2):
        pair_services.pair_propose(peer=p, supporter=supporters[0], by=manager)
    with django_assert_max_num_queries(10):
        client.get(reverse("logbooks:pair_list"))
    many = pool_factory(Kind.PEER, 40)
    Pair.objects.bulk_create(
        Pair(site_id=p.site_id, peer=p, supporter=supporters[0], status=PairStatus.PROPOSED)
        for p in many
    )
    with django_assert_max_num_queries(10):
        response = client.get(reverse("logbooks:pair_list"))
    assert len(response.context["page"].object_list) == 25


# --- surveys and weights -------------------------------------------------------------------------


def test_manager_fills_the_peers_survey(client, manager, site):
    person = Participant.objects.create(
        site=site,
        kind=Kind.PEER,
        first_name="Ny",
        last_name="Peer",
        date_of_birth=dt.date(1960, 1, 1),
        sex="male",
        referral_channel="other",
    )
    client.force_login(manager)
    url = reverse("matching:survey_edit", args=[person.pk])
    bad = client.post(url, survey_post(postcode="22", age_min="70", age_max="40"))
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"postcode", "age_max"}
    response = client.post(url, survey_post(vulnerabilities=["isolation"]))
    assert response.status_code == 302
    survey = MatchSurvey.objects.get(participant=person)
    assert survey.vulnerabilities == ["isolation"] and survey.filled_by == manager
    client.post(url, survey_post(vulnerabilities=["isolation", "finances"]))
    assert MatchSurvey.objects.filter(participant=person).count() == 2


def test_supporter_fills_their_own_survey_only(client, supporter, other_supporter):
    client.force_login(supporter)
    url = reverse("matching:my_survey")
    assert client.get(url).status_code == 200
    client.post(url, survey_post(capacity="3", activities=["cooking"]))
    survey = MatchSurvey.objects.get()
    assert survey.participant.user == supporter and survey.capacity == 3
    client.force_login(other_supporter)
    page = client.get(url)
    assert page.context["survey"] is None


def test_my_survey_is_for_supporters_only(client, manager, nurse):
    for user in (manager, nurse):
        client.force_login(user)
        assert client.get(reverse("matching:my_survey")).status_code == 403


def test_weights_page_validates_and_saves(client, manager, site):
    client.force_login(manager)
    url = reverse("matching:weights")
    values = {"similarity": 5, "language": 1, "distance": 1, "needs": 1, "availability": 1}
    assert client.post(url, {**values, "experience": 99}).status_code == 400
    client.post(url, {**values, "experience": 0})
    assert MatchWeights.objects.get(site=site).similarity == 5


def test_survey_list_shows_who_misses_a_survey(client, manager, pool_factory):
    (without,) = pool_factory(Kind.PEER, 1, survey=False)
    client.force_login(manager)
    response = client.get(reverse("matching:surveys"), {"kind": "peer"})
    assert response.context["page"].object_list[0] == without


# --- dashboards and menu -------------------------------------------------------------------------


def test_manager_dashboard_shows_the_matching_panel(client, manager, peer):
    client.force_login(manager)
    page = client.get(reverse("programme:dashboard")).content.decode()
    assert reverse("matching:board") in page


def test_supporter_dashboard_links_to_the_survey(client, supporter):
    client.force_login(supporter)
    page = client.get(reverse("programme:supporter_home")).content.decode()
    assert reverse("matching:my_survey") in page
    assert f'"{reverse("matching:board")}"' not in page


# --- bad input is a form error, never a 500 ------------------------------------------------------

FIELD_VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["", "2200", "99999", "1e9", "-1", "70", "da", "walks", "null"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(sorted(survey_post())), FIELD_VALUES, max_size=8))
def test_survey_form_never_fails_on_bad_input(client, manager, peer, data):
    client.force_login(manager)
    response = client.post(reverse("matching:survey_edit", args=[peer.pk]), survey_post(**data))
    assert response.status_code in (302, 400)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.dictionaries(
        st.sampled_from(["at", "place", "held_on", "weekday", "time", "side", "answer", "reason"]),
        FIELD_VALUES,
        max_size=6,
    )
)
def test_pair_forms_never_fail_on_bad_input(client, manager, proposed, data):
    client.force_login(manager)
    for action in ("pair_answer", "pair_schedule", "pair_meeting", "pair_substitute"):
        response = client.post(reverse(f"logbooks:{action}", args=[proposed.pk]), data)
        assert response.status_code in (302, 400), action


@pytest.mark.django_db(transaction=True)
def test_a_large_run_with_the_broker_down_fails_visibly_not_with_a_500(
    client, manager, site, programme_round, broker_down, monkeypatch
):
    from matching.models import MatchRun, RunStatus

    from .conftest import make_pool_people

    make_pool_people(site, programme_round, manager, Kind.PEER, 3)
    make_pool_people(site, programme_round, manager, Kind.SUPPORTER, 3)
    monkeypatch.setattr(services, "SYNC_PAIRS_LIMIT", 4)  # the queued path
    client.force_login(manager)
    response = client.post(reverse("matching:run_start"), {"site": site.pk}, follow=True)
    run = MatchRun.objects.get()
    assert response.status_code == 200
    assert run.status == RunStatus.FAILED and "not enqueued" in run.error
    assert response.context["run"].status == RunStatus.FAILED  # the page says it failed
