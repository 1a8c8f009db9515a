from celery import shared_task

from .services import nurse_post_visit_reminders_plan


@shared_task(ignore_result=True)
def plan_nurse_reminders() -> int:
    """Daily (beat): plan the nurses' post-visit reminders in the outbox. Idempotent."""
    return nurse_post_visit_reminders_plan()
