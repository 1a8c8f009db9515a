from celery import shared_task

from .services import pairs_alert_at_risk, pairs_complete_due


@shared_task(ignore_result=True)
def pairs_hourly() -> dict:
    """Hourly (beat): complete pairs whose plan is over; alert managers about pairs at risk.
    Both are idempotent, so a missed or doubled run changes nothing."""
    return {"completed": pairs_complete_due(), "alerts": pairs_alert_at_risk()}
