"""The manager's menu entry to the accounts pages (see tod.accounts.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tod.accounts.context_processors import MenuItem
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission


def items(user) -> list[MenuItem]:
    if has_permission(user, Permission.MANAGE_ACCOUNTS):
        return [MenuItem(_("Accounts"), reverse("accounts:index"), order=95)]
    return []
