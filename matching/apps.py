from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # The programme derives a participant's status from their pairs too (active,
        # completed); it reads them through this registration, never by importing matching.
        from programme.status import register_pair_stages

        from .models.pairs import pair_stages_of

        register_pair_stages(pair_stages_of)
