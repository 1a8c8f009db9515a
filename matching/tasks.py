"""Celery tasks of the matching app: thin, they take ids and call a service."""

from celery import shared_task


@shared_task(acks_late=True)
def execute_match_run(run_id: int) -> int:
    """Score and solve a large pool (5,000 x 5,000 takes seconds); progress is on the MatchRun
    row. Idempotent: a finished run is left as it is."""
    from .services import match_run_execute

    run = match_run_execute(run_id=run_id)
    return run.pairs
