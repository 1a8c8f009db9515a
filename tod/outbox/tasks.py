from celery import shared_task

from .rules import plan_reminders as plan_registered_reminders
from .services import outbox_sweep


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Every minute (beat): send the due reminders. Runs for at most 50 s so runs do not pile
    up; two runs at once are safe (rows are claimed with SKIP LOCKED). Returns how many were
    sent."""
    return outbox_sweep(max_seconds=50).sent


@shared_task(ignore_result=True)
def plan_reminders() -> int:
    """Every ten minutes (beat): run the apps' reminder rules (tod.outbox.rules), e.g. the
    programme's invitations and day-before reminders for training days, supervision sessions and
    network meetings. Idempotent."""
    return plan_registered_reminders()
