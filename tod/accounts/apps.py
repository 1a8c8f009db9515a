from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tod.accounts"
    label = "accounts"
    verbose_name = _("Accounts and sites")

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .roles import sync_role_groups

        # One group per role, without model permissions (the admin is for superusers only);
        # after every migrate, so a permission an older version gave a group is taken away.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
