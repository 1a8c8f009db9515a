"""Periodic work of the programme app: thin, each calls a service."""

from celery import shared_task

from . import services


@shared_task
def import_uploads_expire() -> int:
    """Delete uploaded import files not confirmed within a day (ImportUpload.KEEP)."""
    return services.import_uploads_expire()
