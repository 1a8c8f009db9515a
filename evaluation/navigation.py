"""Menu entries this app contributes (see tod.accounts.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tod.accounts.context_processors import MenuItem
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission


def items(user) -> list[MenuItem]:
    entries = []
    if has_permission(user, Permission.VIEW_NURSE_HOME):
        entries.append(MenuItem(_("Nurse visits"), reverse("evaluation:nurse_home"), order=0))
    if has_permission(user, Permission.VIEW_EVALUATION):
        entries.append(MenuItem(_("Evaluation"), reverse("evaluation:dashboard"), order=80))
    return entries
