from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogbooksConfig(AppConfig):
    name = "logbooks"
    verbose_name = _("Logbooks")

    def ready(self) -> None:
        from tod.accounts.services import register_standing_access

        from .services import calendar_feed_rotate

        # The calendar feed's secret address stops working when its owner changes the password
        # or logs out on all devices.
        register_standing_access(calendar_feed_rotate)
