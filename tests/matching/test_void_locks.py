"""A lock a hard requirement no longer allows: the manager locked a pair, then the peer's survey
added a requirement the supporter does not meet. The next run reports it on the run ("lock no
longer allowed", with the requirement) and leaves it out of the proposal, so accepting the
proposal forms the pairs that are allowed instead of failing on the locked one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from logbooks import services as pair_services
from logbooks.models import PairStatus
from matching import services
from matching.models import RuleKind
from programme.models import Kind, Sex

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_then_excluded(manager, pool_factory):
    peer = pool_factory(Kind.PEER, 1, prefix="Bent")[0]
    lars, hanne = pool_factory(Kind.SUPPORTER, 2)
    lars.sex = Sex.MALE
    lars.save(update_fields=["sex"])
    services.rule_set(peer=peer, supporter=lars, kind=RuleKind.LOCK, by=manager)
    services.survey_submit(participant=peer, answers={"sex_required": Sex.FEMALE}, by=manager)
    return peer, lars, hanne


def test_the_run_reports_the_lock_and_leaves_it_out(site, manager, locked_then_excluded):
    peer, lars, hanne = locked_then_excluded
    run = services.match_run_start(site=site, by=manager)
    assert run.void_locks == [
        {"peer": peer.pk, "supporter": lars.pk, "exclusions": [["sex", "peer"]]}
    ]
    proposals = {(p.peer_id, p.supporter_id, p.locked) for p in run.proposals.all()}
    assert proposals == {(peer.pk, hanne.pk, False)}
    assert pair_services.proposals_accept_all(run=run, by=manager) == 1
    assert peer.pairs_as_peer.get().supporter == hanne
    assert peer.pairs_as_peer.get().status == PairStatus.PROPOSED


def test_the_board_says_which_requirement(client, site, manager, locked_then_excluded):
    peer, lars, _hanne = locked_then_excluded
    services.match_run_start(site=site, by=manager)
    client.force_login(manager)
    page = client.get(reverse("matching:board"), {"site": site.pk}).content.decode()
    assert f"Låsen gælder ikke længere: {peer} – {lars}: køn (peerens krav)" in page
    assert reverse("matching:candidates", args=[peer.pk]) in page


def test_an_allowed_lock_is_still_kept_and_not_reported(site, manager, pool_factory):
    peer = pool_factory(Kind.PEER, 1)[0]
    first, second = pool_factory(Kind.SUPPORTER, 2)
    services.rule_set(peer=peer, supporter=second, kind=RuleKind.LOCK, by=manager)
    services.survey_submit(participant=peer, answers={"sex_required": Sex.FEMALE}, by=manager)
    run = services.match_run_start(site=site, by=manager)
    assert run.void_locks == []
    assert {(p.supporter_id, p.locked) for p in run.proposals.all()} == {(second.pk, True)}
