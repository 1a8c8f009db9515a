from celery import shared_task

from .services import accounts_deactivate_expired


@shared_task
def deactivate_expired_accounts() -> int:
    """Hourly: deactivate accounts whose expiry date has passed. Returns how many."""
    return accounts_deactivate_expired()


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Daily: delete expired sessions (Django's `clearsessions`). Nothing else removes them, and
    an expired session may still hold what a user typed before it ended (kept_input)."""
    from django.core.management import call_command

    call_command("clearsessions")
