from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from logbooks.registries import register_text_lock

        from .sources import coded_logbook_lock

        # A coded logbook's written answers are locked: the meaning units point into them.
        register_text_lock(coded_logbook_lock)
