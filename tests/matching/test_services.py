"""Surveys, the pool, runs, and a pair's way from proposal to the match meeting and a substitute
supporter, with the real database and logbooks' pair_start/pair_end."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from logbooks import services as pair_services
from logbooks.models import Answer, PairStatus
from matching import pool as pool_module
from matching import services
from matching.models import (
    MatchProposal,
    MatchRule,
    MatchRun,
    MatchSurvey,
    RuleKind,
    RuleSource,
    RunStatus,
)
from matching.occupancy import occupancy
from matching.pool import load_pool
from programme import services as programme_services
from programme.models import DataChoice, Kind, WithdrawalInitiator
from tests.conftest import make_participant

pytestmark = pytest.mark.django_db


# --- surveys -------------------------------------------------------------------------------------


def test_survey_change_makes_a_new_version_and_keeps_the_old(manager, peer):
    first = MatchSurvey.objects.get(participant=peer)
    second = services.survey_submit(participant=peer, answers={"smokes": True}, by=manager)
    assert second.version == 2 and second.is_current and second.smokes
    first.refresh_from_db()
    assert not first.is_current and not first.smokes
    assert first.languages == second.languages  # unchanged answers carry over


def test_same_answers_keep_the_current_version(manager, peer):
    current = MatchSurvey.objects.get(participant=peer)
    again = services.survey_submit(participant=peer, answers=current.answers(), by=manager)
    assert again.pk == current.pk
    assert MatchSurvey.objects.filter(participant=peer).count() == 1


def test_first_survey_is_version_one(manager, site):
    person = make_participant(site)
    survey = services.survey_submit(
        participant=person, answers={"languages": ["da"], "postcode": "2300"}, by=manager
    )
    assert survey.version == 1


def test_invalid_survey_is_refused(manager, peer):
    with pytest.raises(ValidationError):
        services.survey_submit(participant=peer, answers={"age_min": 70, "age_max": 40}, by=manager)


def test_changed_survey_is_scored_on_the_next_load(manager, peer, pool_supporter):
    assert load_pool(peer.site_id).scores()[0, 0] >= 0
    services.survey_submit(participant=peer, answers={"non_smoker_required": True}, by=manager)
    services.survey_submit(participant=pool_supporter, answers={"smokes": True}, by=manager)
    assert load_pool(peer.site_id).scores()[0, 0] < 0


# --- the pool ------------------------------------------------------------------------------------


def test_pool_holds_only_eligible_people_with_a_survey(site, manager, pool_factory):
    peers = pool_factory(Kind.PEER, 2)
    supporters = pool_factory(Kind.SUPPORTER, 2)
    pool_factory(Kind.SUPPORTER, 1, survey=False)
    not_eligible = make_participant(site, Kind.SUPPORTER)
    MatchSurvey.objects.create(participant=not_eligible, version=1)
    withdrawn = supporters[1]
    programme_services.participant_withdraw(
        participant=withdrawn,
        withdrawn_on=dt.date(2026, 3, 1),
        reason="Ill health",
        initiated_by=WithdrawalInitiator.PARTICIPANT,
        data_choice=DataChoice.KEEP,
        by=manager,
    )
    pool = load_pool(site.pk)
    assert [p.pk for p in pool.peers] == [p.pk for p in peers]
    assert [s.pk for s in pool.supporters] == [supporters[0].pk]


def test_pool_of_another_site_is_separate(other_site, site, pool_factory):
    pool_factory(Kind.PEER, 2)
    assert load_pool(other_site.pk).peers == []


def test_pool_loads_in_constant_queries(site, pool_factory, django_assert_max_num_queries):
    pool_factory(Kind.PEER, 3)
    pool_factory(Kind.SUPPORTER, 3)
    with django_assert_max_num_queries(8):
        small = load_pool(site.pk)
    pool_factory(Kind.PEER, 200)
    pool_factory(Kind.SUPPORTER, 200)
    with django_assert_max_num_queries(8):
        large = load_pool(site.pk)
    assert len(small.peers) == 3 and len(large.peers) == 203


def test_supporter_capacity_counts_open_pairs(manager, pool_factory):
    peers = pool_factory(Kind.PEER, 4)
    (supporter,) = pool_factory(Kind.SUPPORTER, 1, capacity=3)
    pair_services.pair_propose(peer=peers[0], supporter=supporter, by=manager)
    pool = load_pool(supporter.site_id)
    assert pool.supporter_answers[0].capacity == 2
    assert len(pool.peers) == 3


# --- runs ----------------------------------------------------------------------------------------


def test_run_proposes_and_stores_explanations(site, manager, pool_factory):
    peers = pool_factory(Kind.PEER, 3)
    pool_factory(Kind.SUPPORTER, 2)
    run = services.match_run_start(site=site, by=manager)
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.pairs == 2 and run.peers == 3
    proposal = MatchProposal.objects.filter(run=run).first()
    assert proposal.peer in peers
    assert proposal.explanation["similarities"] == proposal.similarities
    assert set(proposal.explanation["points"]) >= {"similarity", "needs"}
    assert proposal.peer_survey.participant_id == proposal.peer_id


def test_run_respects_forbidden_and_locked_pairs(site, manager, pool_factory):
    peers = pool_factory(Kind.PEER, 2)
    supporters = pool_factory(Kind.SUPPORTER, 2)
    services.rule_set(peer=peers[0], supporter=supporters[0], kind=RuleKind.FORBID, by=manager)
    services.rule_set(peer=peers[1], supporter=supporters[0], kind=RuleKind.LOCK, by=manager)
    run = services.match_run_start(site=site, by=manager)
    got = {(p.peer_id, p.supporter_id, p.locked) for p in run.proposals.all()}
    assert got == {(peers[0].pk, supporters[1].pk, False), (peers[1].pk, supporters[0].pk, True)}


def test_a_new_lock_replaces_the_peers_earlier_lock(manager, peer, pool_factory):
    a, b = pool_factory(Kind.SUPPORTER, 2)
    services.rule_set(peer=peer, supporter=a, kind=RuleKind.LOCK, by=manager)
    services.rule_set(peer=peer, supporter=b, kind=RuleKind.LOCK, by=manager)
    assert list(MatchRule.objects.values_list("supporter_id", flat=True)) == [b.pk]


def test_large_pool_is_queued_after_commit_with_progress_in_the_database(
    site, manager, pool_factory, monkeypatch, django_capture_on_commit_callbacks
):
    pool_factory(Kind.PEER, 3)
    pool_factory(Kind.SUPPORTER, 3)
    monkeypatch.setattr(services, "SYNC_PAIRS_LIMIT", 4)
    sent = []
    from matching import tasks

    monkeypatch.setattr(
        tasks.execute_match_run,
        "apply_async",
        lambda args=(), kwargs=None, **options: sent.append(args[0]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_start(site=site, by=manager)
        assert sent == []  # not before the commit
    assert sent == [run.pk]
    assert run.status == RunStatus.QUEUED
    assert tasks.execute_match_run(run.pk) == 3  # what the worker does
    run.refresh_from_db()
    assert (run.status, run.progress, run.pairs) == (RunStatus.DONE, 100, 3)
    assert tasks.execute_match_run(run.pk) == 3  # a second delivery changes nothing
    assert MatchProposal.objects.filter(run=run).count() == 3


def test_failed_run_in_the_request_is_shown_as_failed(site, manager, pool_factory, monkeypatch):
    pool_factory(Kind.PEER, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services.solver, "solve", broken)
    run = services.match_run_start(site=site, by=manager)
    assert run.status == RunStatus.FAILED and "boom" in run.error
    assert not MatchProposal.objects.exists()


def test_a_run_is_named_by_its_start_in_copenhagen(site, manager):
    """The admin lists runs by name: a run started at 00:30 on 2 June in Copenhagen (still
    1 June in UTC) is named by the manager's clock."""
    with time_machine.travel(dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC), tick=False):
        run = MatchRun.objects.create(site=site, created_by=manager)
    assert str(run) == "Copenhagen · 2026-06-02 00:30"
    run.refresh_from_db()
    assert str(run) == "Copenhagen · 2026-06-02 00:30"


def test_failed_run_is_marked_failed(site, manager, pool_factory, monkeypatch):
    pool_factory(Kind.PEER, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services.solver, "solve", broken)
    run = MatchRun.objects.create(site=site, created_by=manager)
    with pytest.raises(RuntimeError):
        services.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "boom" in run.error


# --- a pair's way --------------------------------------------------------------------------------


def test_proposed_pair_stores_its_explanation_and_similarities(manager, peer, pool_supporter):
    pair = pair_services.pair_propose(peer=peer, supporter=pool_supporter, by=manager)
    assert pair.status == PairStatus.PROPOSED
    assert pair.similarities == 5  # same sex, age, origin, education, occupation
    assert pair.explanation["shared"] and pair.score == pair.explanation["total"]
    assert pair.peer_survey.is_current and pair.supporter_survey.participant == pool_supporter


def test_excluded_pair_cannot_be_proposed(manager, peer, pool_supporter):
    services.survey_submit(participant=peer, answers={"sex_required": "male"}, by=manager)
    with pytest.raises(ValidationError):
        pair_services.pair_propose(peer=peer, supporter=pool_supporter, by=manager)


def test_peer_cannot_have_two_open_pairs(manager, peer, pool_factory):
    a, b = pool_factory(Kind.SUPPORTER, 2)
    pair_services.pair_propose(peer=peer, supporter=a, by=manager)
    with pytest.raises(ValidationError):
        pair_services.pair_propose(peer=peer, supporter=b, by=manager)


def test_both_agree_then_match_meeting_makes_the_pair_active(manager, peer, pool_supporter):
    pair = pair_services.pair_propose(peer=peer, supporter=pool_supporter, by=manager)
    pair = pair_services.pair_answer_record(pair=pair, side="peer", agreed=True, by=manager)
    assert pair.status == PairStatus.PROPOSED
    pair = pair_services.pair_answer_record(pair=pair, side="supporter", agreed=True, by=manager)
    assert pair.status == PairStatus.AGREED
    with pytest.raises(ValidationError):
        pair_services.pair_answer_record(
            pair=pair, side="peer", agreed=False, reason="x", by=manager
        )
    pair_services.pair_match_meeting_schedule(
        pair=pair, at=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), place="Café", by=manager
    )
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False):
        pair = pair_services.pair_match_meeting_record(
            pair=pair,
            held_on=dt.date(2026, 3, 2),
            expectations="Walks and talks",
            wishes="Mornings",
            weekday=0,
            time=dt.time(10, 0),
            place="Library",
            by=manager,
        )
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE
    assert pair.started_on == dt.date(2026, 3, 2)
    assert pair.expectations == "Walks and talks"


def test_match_meeting_needs_both_to_agree(manager, peer, pool_supporter):
    pair = pair_services.pair_propose(peer=peer, supporter=pool_supporter, by=manager)
    with pytest.raises(ValidationError):
        pair_services.pair_match_meeting_record(
            pair=pair, held_on=dt.date(2026, 3, 2), expectations="", wishes="", by=manager
        )


def test_refusal_needs_a_reason(manager, peer, pool_supporter):
    pair = pair_services.pair_propose(peer=peer, supporter=pool_supporter, by=manager)
    with pytest.raises(ValidationError):
        pair_services.pair_answer_record(pair=pair, side="peer", agreed=False, by=manager)


def test_refusal_excludes_the_pair_and_returns_the_peer_to_the_pool(
    site, manager, peer, pool_factory
):
    first, second = pool_factory(Kind.SUPPORTER, 2)
    pair = pair_services.pair_propose(peer=peer, supporter=first, by=manager)
    assert load_pool(site.pk).peers == []
    pair = pair_services.pair_answer_record(
        pair=pair, side="supporter", agreed=False, reason="Too far", by=manager
    )
    assert pair.status == PairStatus.REFUSED
    assert pair.supporter_answer == Answer.REFUSED and "Too far" in pair.refusal_reason
    rule = MatchRule.objects.get(peer=peer, supporter=first)
    assert (rule.kind, rule.source) == (RuleKind.FORBID, RuleSource.REFUSAL)
    run = services.match_run_start(site=site, by=manager)
    assert [(p.peer_id, p.supporter_id) for p in run.proposals.all()] == [(peer.pk, second.pk)]
    with pytest.raises(ValidationError):
        pair_services.pair_propose(peer=peer, supporter=first, by=manager)


def _active_pair(manager, peer, supporter):
    pair = pair_services.pair_propose(peer=peer, supporter=supporter, by=manager)
    pair_services.pair_answer_record(pair=pair, side="peer", agreed=True, by=manager)
    pair_services.pair_answer_record(pair=pair, side="supporter", agreed=True, by=manager)
    return pair_services.pair_match_meeting_record(
        pair=pair, held_on=dt.date(2026, 3, 2), expectations="E", wishes="W", by=manager
    )


def test_pair_ended_early_returns_the_peer_with_history_and_excludes_the_pairing(
    site, manager, peer, pool_factory
):
    from logbooks.services import pair_end

    first, second = pool_factory(Kind.SUPPORTER, 2)
    pair = _active_pair(manager, peer, first)
    pair_end(pair=pair, by=manager, reason="Supporter's health")
    pool = load_pool(site.pk)
    assert [p.pk for p in pool.peers] == [peer.pk]
    assert [h.pk for h in occupancy().pairs_of_peer(peer)] == [pair.pk]  # the candidates page
    assert (peer.pk, first.pk) in pool.forbidden
    run = services.match_run_start(site=site, by=manager)
    assert [(p.peer_id, p.supporter_id) for p in run.proposals.all()] == [(peer.pk, second.pk)]


def test_substitute_supporter_continues_the_same_case(site, manager, peer, pool_factory):
    first, second = pool_factory(Kind.SUPPORTER, 2)
    pair = _active_pair(manager, peer, first)
    successor = pair_services.pair_substitute_supporter(
        pair=pair, supporter=second, reason="Ill health", by=manager
    )
    pair.refresh_from_db()
    assert pair.status == PairStatus.ENDED and pair.end_reason == "Ill health"
    assert successor.status == PairStatus.ACTIVE
    assert successor.previous_pair == pair and successor.case_root() == pair
    assert successor.similarities is not None and successor.explanation
    assert MatchRule.objects.get(peer=peer, supporter=first).source == RuleSource.PREVIOUS_PAIR
    assert load_pool(site.pk).peers == []  # the peer is still in a pair
    with pytest.raises(ValidationError):
        pair_services.pair_substitute_supporter(pair=pair, supporter=first, by=manager)


def test_substitute_needs_a_free_place(manager, pool_factory):
    peers = pool_factory(Kind.PEER, 2)
    first, busy = pool_factory(Kind.SUPPORTER, 2)
    pair = _active_pair(manager, peers[0], first)
    pair_services.pair_propose(peer=peers[1], supporter=busy, by=manager)
    with pytest.raises(ValidationError):
        pair_services.pair_substitute_supporter(pair=pair, supporter=busy, by=manager)
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE  # nothing changed


def test_weights_update_changes_the_scores(site, manager, peer, pool_supporter):
    before = load_pool(site.pk).scores()[0, 0]
    services.weights_update(site=site, values={"similarity": 10}, by=manager)
    after = load_pool(site.pk).scores()[0, 0]
    assert after == pytest.approx(before + 5 * 8)


def test_eligibility_comes_from_programme():
    assert pool_module.eligible_peers().query is not None
