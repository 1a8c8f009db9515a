"""Writes of the matching app: surveys, weights, rules and runs with their proposals. Matching
proposes; the pairs themselves are made and changed by logbooks (ADR 0009).

Each service is keyword-only, atomic and takes the acting user as `by=`.
"""

from __future__ import annotations

import logging
import time as clock

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programme import services as programme_services
from programme.models import Background, Kind, Participant
from tod.queue import enqueue_after_commit

from . import scoring, solver
from .models import (
    MatchProposal,
    MatchRule,
    MatchRun,
    MatchSurvey,
    MatchWeights,
    RuleKind,
    RuleSource,
    RunStatus,
    UnmatchedPeer,
    UnmatchedReason,
)
from .models.survey import ANSWER_FIELDS, BACKGROUND_QUESTIONS
from .pool import Pool, answers_for, load_pool, waiting_peers, without_survey
from .unmatched import explain_unmatched

logger = logging.getLogger(__name__)

# Pools up to this many peer x supporter pairs are proposed inside the request (1,000 x 1,000
# scores and solves in well under a second); larger ones run as a Celery task with progress.
SYNC_PAIRS_LIMIT = 1_000_000


# --- surveys -------------------------------------------------------------------------------------


@transaction.atomic
def survey_submit(*, participant: Participant, answers: dict, by) -> MatchSurvey:
    """Save a participant's match survey as a new version when an answer changed, and its
    answers about the participant's background on their programme.Background (ADR 0013).

    Idempotent: the same answers again keep the current version and the background as it is.
    The earlier versions stay (proposals and pairs point at the version they were scored on);
    the next proposal and every candidate page score the new answers. The background is not
    versioned: a proposal's stored explanation keeps what was scored then.
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    background = {name: answers[name] for name in BACKGROUND_QUESTIONS if name in answers}
    if participant.kind == Kind.PEER:
        background.pop("support_work_experience", None)  # a supporter's question
    if background:
        programme_services.background_update(participant=participant, values=background, by=by)
    current = MatchSurvey.objects.filter(participant=participant, is_current=True).first()
    values = {name: answers[name] for name in ANSWER_FIELDS if name in answers}
    if participant.kind == Kind.PEER:
        values["capacity"] = 1
    if current is not None:
        merged = {**current.answers(), **values}
        if _same(merged, current.answers()):
            return current
        values = merged
    version = 1 if current is None else current.version + 1
    if current is not None:
        MatchSurvey.objects.filter(pk=current.pk).update(is_current=False)
    survey = MatchSurvey(participant=participant, version=version, is_current=True, filled_by=by)
    for name, value in values.items():
        setattr(survey, name, value)
    survey.full_clean(exclude=["participant", "filled_by"])
    survey.save()
    logger.info("match survey %s v%s saved by %s", participant.pk, version, getattr(by, "pk", None))
    return survey


def _normalise(value):
    if isinstance(value, list):
        return sorted(value)
    if value is None:
        return None
    if hasattr(value, "normalize"):  # Decimal
        return float(value)
    return value


def _same(a: dict, b: dict) -> bool:
    return all(_normalise(a.get(k)) == _normalise(b.get(k)) for k in ANSWER_FIELDS)


# --- weights and rules ---------------------------------------------------------------------------


@transaction.atomic
def weights_update(*, site, values: dict, by) -> MatchWeights:
    """Set a site's weights; the next proposal and the candidate pages use them."""
    row, _created = MatchWeights.objects.select_for_update().get_or_create(site=site)
    for name in scoring.CRITERIA:
        if name in values:
            setattr(row, name, values[name])
    row.updated_by = by
    row.updated_at = timezone.now()
    row.full_clean(exclude=["site", "updated_by"])
    row.save()
    return row


def check_pairable(peer: Participant, supporter: Participant) -> None:
    """A peer and a supporter of the same site (ValidationError otherwise)."""
    if peer.kind != Kind.PEER or supporter.kind != Kind.SUPPORTER:
        raise ValidationError(_("Choose a peer and a peer supporter."))
    if peer.site_id != supporter.site_id:
        raise ValidationError(_("The peer and the supporter belong to different sites."))


@transaction.atomic
def rule_set(
    *,
    peer: Participant,
    supporter: Participant,
    kind: str,
    by,
    reason: str = "",
    source: str = RuleSource.MANAGER,
) -> MatchRule:
    """Lock a pair into the next proposal or forbid it. A new lock for a peer replaces their
    earlier lock; a rule for the same pair is replaced."""
    check_pairable(peer, supporter)
    if kind == RuleKind.LOCK:
        MatchRule.objects.filter(peer=peer, kind=RuleKind.LOCK).exclude(
            supporter=supporter
        ).delete()
    rule, _created = MatchRule.objects.update_or_create(
        peer=peer,
        supporter=supporter,
        defaults={
            "site_id": peer.site_id,
            "kind": kind,
            "reason": reason,
            "source": source,
            "created_by": by,
            "created_at": timezone.now(),
        },
    )
    return rule


@transaction.atomic
def rule_delete(*, rule: MatchRule, by) -> None:
    logger.info("match rule %s deleted by %s", rule.pk, getattr(by, "pk", None))
    rule.delete()


# --- runs ----------------------------------------------------------------------------------------


@transaction.atomic
def match_run_start(*, site, by) -> MatchRun:
    """Start a proposal for the site's pool.

    A pool up to SYNC_PAIRS_LIMIT pairs is solved at once, inside the request; a larger one is
    queued as a Celery task (enqueued after commit) that stores its progress on the run.
    """
    pool_size = _pool_size(site.pk)
    run = MatchRun.objects.create(
        site=site, created_by=by, peers=pool_size[0], supporters=pool_size[1]
    )
    if pool_size[0] * pool_size[1] <= SYNC_PAIRS_LIMIT:
        try:
            with transaction.atomic():
                match_run_execute(run_id=run.pk)
        except Exception as exc:  # the manager sees a failed run, not an error page
            MatchRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
        run.refresh_from_db()
    else:
        run_id = run.pk

        def not_started(exc: Exception) -> None:
            # No sweep picks a run up later: show the manager a failed run to start again.
            MatchRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
                status=RunStatus.FAILED,
                error=f"not enqueued: {type(exc).__name__}: {exc}"[:2000],
                finished_at=timezone.now(),
            )

        # By the task's name: the task module calls this one, so importing it would be a cycle.
        # A signature, not `app.tasks[name]`: a web process has not imported the task modules
        # (only a worker autodiscovers them), and sending by name needs no registration.
        task = current_app.signature("matching.tasks.execute_match_run")
        enqueue_after_commit(task, run_id, on_failure=not_started)
    return run


def _pool_size(site_id: int) -> tuple[int, int]:
    """Peers waiting for a supporter and eligible supporters: an upper bound of the matrix's
    size, to choose between solving now and a task. The run's counts are set from the pool."""
    from .pool import eligible_supporters, waiting_peers

    return (
        waiting_peers().filter(site_id=site_id).count(),
        eligible_supporters().filter(site_id=site_id).count(),
    )


def match_run_execute(*, run_id: int) -> MatchRun:
    """Score the pool, solve, and store on the run the proposals and, for every other peer
    waiting for a supporter, why they were left without one (matching.unmatched). Progress is
    written to the run as it goes (outside any transaction, so the manager's page sees it).
    Safe to call twice: a finished run is left as it is."""
    run = MatchRun.objects.get(pk=run_id)
    if run.is_finished:
        return run
    started = clock.perf_counter()
    _progress(run, 1, status=RunStatus.RUNNING)
    try:
        pool = load_pool(run.site_id)
        no_survey = list(without_survey(waiting_peers().filter(site_id=run.site_id)).order_by("pk"))
        waiting = len(pool.peers) + len(no_survey)
        _progress(run, 10, peers=waiting, supporters=len(pool.supporters))
        last = [10]

        def on_rows(done: int, total: int) -> None:
            percent = 10 + int(50 * done / max(total, 1))
            if percent >= last[0] + 5:
                last[0] = percent
                _progress(run, percent)

        matrix = pool.scores(progress=on_rows)
        _progress(run, 60)
        locked = pool.locked_indices()
        pairs = solver.solve(matrix, pool.capacities(), locked)
        _progress(run, 90)
        unmatched = explain_unmatched(pool, matrix, pairs) + [
            UnmatchedPeer(
                peer=peer, reason=UnmatchedReason.NO_SURVEY, supporters=len(pool.supporters)
            )
            for peer in no_survey
        ]
        with transaction.atomic():
            run.void_locks = _void_locks(pool, solver.void_locks(matrix, locked))
            proposals = _proposals(run, pool, pairs)
            MatchProposal.objects.bulk_create(proposals, batch_size=1000)
            for row in unmatched:
                row.run = run
            UnmatchedPeer.objects.bulk_create(unmatched, batch_size=1000)
            run.status = RunStatus.DONE
            run.progress = 100
            # Every waiting peer is accounted for: pairs + peers left without a supporter.
            run.peers = waiting
            run.supporters = len(pool.supporters)
            run.pairs = len(proposals)
            run.unmatched = len(unmatched)
            run.total_score = round(sum(p.score for p in proposals), 3)
            run.weights = {name: getattr(pool.weights, name) for name in scoring.CRITERIA}
            run.seconds = round(clock.perf_counter() - started, 3)
            run.finished_at = timezone.now()
            run.save()
    except Exception as exc:
        logger.exception("match run %s failed", run_id)
        MatchRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def _progress(run: MatchRun, percent: int, **fields) -> None:
    fields["progress"] = percent
    MatchRun.objects.filter(pk=run.pk).update(**fields)


def _void_locks(pool: Pool, void: list[tuple[int, int]]) -> list[dict]:
    """The run's report of locks left out: which hard requirements (constraint, whose) now
    exclude each locked pair, so the manager sees why instead of a refused proposal."""
    report = []
    for i, j in void:
        explanation = scoring.explain(pool.peer_answers[i], pool.supporter_answers[j], pool.weights)
        report.append(
            {
                "peer": pool.peers[i].pk,
                "supporter": pool.supporters[j].pk,
                "exclusions": explanation["exclusions"],
            }
        )
    return report


def _proposals(run: MatchRun, pool: Pool, pairs) -> list[MatchProposal]:
    locked = set(pool.locked.items())
    result = []
    for i, j in pairs:
        peer, supporter = pool.peers[i], pool.supporters[j]
        explanation = scoring.explain(pool.peer_answers[i], pool.supporter_answers[j], pool.weights)
        result.append(
            MatchProposal(
                run=run,
                peer=peer,
                supporter=supporter,
                score=explanation["total"] if explanation["total"] is not None else 0.0,
                similarities=explanation["similarities"],
                explanation=explanation,
                locked=(peer.pk, supporter.pk) in locked,
                peer_survey=peer.current_surveys[0],
                supporter_survey=supporter.current_surveys[0],
            )
        )
    return result


# --- what logbooks' pair services ask of matching --------------------------------------------


def pairing_explain(
    peer: Participant, supporter: Participant
) -> tuple[dict, MatchSurvey | None, MatchSurvey | None]:
    """The score of this pairing now, criterion by criterion, with the current surveys it was
    computed from (an empty explanation when one of them has no survey yet). Logbooks stores it
    on the pair it proposes (evaluation data)."""
    today = timezone.localdate()
    peer_survey = MatchSurvey.objects.filter(participant=peer, is_current=True).first()
    supporter_survey = MatchSurvey.objects.filter(participant=supporter, is_current=True).first()
    if peer_survey is None or supporter_survey is None:
        return {}, peer_survey, supporter_survey
    # One query for both backgrounds: a run's "accept all" explains pair after pair.
    backgrounds = {
        b.participant_id: b
        for b in Background.objects.filter(participant_id__in=[peer.pk, supporter.pk])
    }
    peer_answers, supporter_answers = (
        answers_for(person, survey, today, background=backgrounds.get(person.pk, Background()))
        for person, survey in ((peer, peer_survey), (supporter, supporter_survey))
    )
    explanation = scoring.explain(
        peer_answers, supporter_answers, MatchWeights.for_site(peer.site_id)
    )
    return explanation, peer_survey, supporter_survey
