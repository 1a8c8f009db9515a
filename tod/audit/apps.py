from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tod.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from tod.admin_site import register_read_log

        from .services import access_record_many
        from .triggers import install_triggers_after_migrate

        # The admin writes what a superuser reads of participants to the access log.
        register_read_log(access_record_many)

        # Triggers name every column on SQLite, so they are rebuilt after every migrate.
        post_migrate.connect(install_triggers_after_migrate, dispatch_uid="audit.install_triggers")
