from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tod.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Each app declares its personal data in its own privacy.py (tod/personal_data.py says how);
        # importing them here, as the admin imports admin.py, keeps tod free of domain imports.
        from . import checks  # noqa: F401

        autodiscover_modules("privacy")
