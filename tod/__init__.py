"""Together on Diabetes: the Django project package (settings, URLs, Celery, WSGI/ASGI)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
