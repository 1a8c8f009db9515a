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

        # Groups mirror the roles so the admin shows who may do what; refreshed after every migrate
        # because the permissions they hold come from models of every app.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
