"""Menu entries this app contributes (see tod.accounts.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tod.accounts.context_processors import MenuItem
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission


def items(user) -> list[MenuItem]:
    entries = []
    if has_permission(user, Permission.MANAGE_MATCHING):
        entries.append(MenuItem(_("Matching"), reverse("matching:board"), order=30))
    if has_permission(user, Permission.FILL_OWN_SURVEY):
        entries.append(MenuItem(_("My match survey"), reverse("matching:my_survey"), order=60))
    return entries
