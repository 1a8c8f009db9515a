from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogbooksConfig(AppConfig):
    name = "logbooks"
    verbose_name = _("Logbooks")

    def ready(self) -> None:
        # The layers below read and end pairs only through what they expose here (ADR 0007).
        from matching import occupancy
        from programme.registries import register_timeline_source, register_withdrawal_reaction
        from programme.status import register_pair_stages
        from tod.accounts.services import register_standing_access

        from .models import pair_stages_of
        from .registrations import PairOccupancy, matched_pairs, pair_events
        from .services import calendar_feed_rotate, pairs_end_for_withdrawal

        # A participant's status (active, completed) and the funnel's stages read pairs.
        register_pair_stages(pair_stages_of, matched=matched_pairs)
        # Matching's pool, board and candidate pages leave out whoever a pair holds.
        occupancy.register(PairOccupancy())
        # A withdrawal ends the participant's open pairs; their page's timeline lists them.
        register_withdrawal_reaction(pairs_end_for_withdrawal)
        register_timeline_source(pair_events)
        # The calendar feed's secret address stops working when its owner changes the password
        # or logs out on all devices.
        register_standing_access(calendar_feed_rotate)
