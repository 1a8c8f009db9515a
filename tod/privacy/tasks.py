from celery import shared_task

from .erasure import erase_past_retention


@shared_task
def erase_personal_data_past_retention() -> int:
    """Daily: erase the personal data of participants past their site's retention period."""
    return erase_past_retention()
