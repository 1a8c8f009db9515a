from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programme")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from tod.accounts.models import Site
        from tod.outbox.rules import register_reminder_rule
        from tod.outbox.sites import register_site_sending

        from .reminders import plan_session_reminders, plan_training_reminders
        from .services.site_settings import site_sending

        # Each site's quiet hours and SMS sender, read by the outbox's sweep (tod may not
        # import the programme, so it asks through this provider).
        register_site_sending(site_sending)
        # A new site (made in the admin, a factory or the demo) gets its settings and first
        # consent texts at once: consent can be recorded there from the first day.
        post_save.connect(_site_made, sender=Site, dispatch_uid="programme.site_settings")

        # The outbox's beat task plans the invitations and day-before reminders of training
        # days, supervision sessions and network meetings through these rules.
        register_reminder_rule(plan_training_reminders)
        register_reminder_rule(plan_session_reminders)


def _site_made(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from .services.site_settings import site_settings_ensure

        site_settings_ensure(site=instance)
