from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """Encrypted database backups and their restore (docs/adr/0010-backups.md). No models."""

    name = "tod.backups"
    label = "backups"
    verbose_name = _("Backups")
