"""The Celery app.

The schedule of reminders lives in the database (an outbox swept every minute), never in the
broker: see CELERY_BEAT_SCHEDULE in settings and docs/adr/0002-outbox-reminders.md.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tod.settings")

app = Celery("tod")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
