"""Menu entries this app contributes (see tod.accounts.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tod.accounts.context_processors import MenuItem
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission


def items(user) -> list[MenuItem]:
    entries = []
    if has_permission(user, Permission.VIEW_MANAGER_DASHBOARD):
        entries.append(MenuItem(_("Overview"), reverse("programme:dashboard"), order=0))
    if has_permission(user, Permission.VIEW_SUPPORTER_HOME):
        entries.append(MenuItem(_("My page"), reverse("programme:supporter_home"), order=0))
    if has_permission(user, Permission.VIEW_SUPERVISOR_HOME):
        entries.append(MenuItem(_("Supervision"), reverse("programme:supervisor_home"), order=0))
    return entries
