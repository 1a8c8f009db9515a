from celery import shared_task

from .services import pairs_alert_at_risk, pairs_complete_due, pairs_continue_substituted


@shared_task(ignore_result=True)
def pairs_hourly() -> dict:
    """Hourly (beat): give substitutes' pairs the remaining plan, complete pairs whose plan is
    over, alert managers about pairs at risk. Each is idempotent, so a missed or doubled run
    changes nothing."""
    return {
        "continued": pairs_continue_substituted(),
        "completed": pairs_complete_due(),
        "alerts": pairs_alert_at_risk(),
    }
