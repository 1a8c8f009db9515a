from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "tod.outbox"
    label = "outbox"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from anymail.signals import tracking

        from . import checks  # noqa: F401  (registers the system checks)
        from .webhooks import record_email_event

        # E-mail delivery and bounce events arrive through anymail's signal (its webhook views
        # parse each service's format); the SMS gateways' views call the service directly.
        tracking.connect(record_email_event, dispatch_uid="tod.outbox.record_email_event")
