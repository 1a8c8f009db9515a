from celery import shared_task

from .services import accounts_deactivate_expired


@shared_task
def deactivate_expired_accounts() -> int:
    """Hourly: deactivate accounts whose expiry date has passed. Returns how many."""
    return accounts_deactivate_expired()
