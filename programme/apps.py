from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programme")

    def ready(self) -> None:
        from tod.outbox.rules import register_reminder_rule

        from .reminders import plan_session_reminders, plan_training_reminders

        # The outbox's beat task plans the invitations and day-before reminders of training
        # days, supervision sessions and network meetings through these rules.
        register_reminder_rule(plan_training_reminders)
        register_reminder_rule(plan_session_reminders)
