"""Menu entries this app contributes (see tod.accounts.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tod.accounts.context_processors import MenuItem
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission


def items(user) -> list[MenuItem]:
    entries = []
    if has_permission(user, Permission.MANAGE_PAIRS) or has_permission(
        user, Permission.VIEW_OWN_PAIRS
    ):
        entries.append(MenuItem(_("Pairs"), reverse("logbooks:pair_list"), order=30))
    if has_permission(user, Permission.REVIEW_LOGBOOKS) or has_permission(
        user, Permission.WRITE_LOGBOOK
    ):
        entries.append(MenuItem(_("Logbooks"), reverse("logbooks:logbook_list"), order=31))
    if has_permission(user, Permission.VIEW_OWN_PAIRS):
        entries.append(MenuItem(_("Calendar"), reverse("logbooks:calendar"), order=32))
    if has_permission(user, Permission.VIEW_MANAGER_DASHBOARD):
        entries.append(
            MenuItem(_("Report for the funder"), reverse("logbooks:funder_report"), order=70)
        )
    if has_permission(user, Permission.VIEW_OUTBOX):
        entries.append(MenuItem(_("Outbox"), reverse("outbox:list"), order=80))
    if user.is_authenticated and user.role:
        entries.append(MenuItem(_("My reminders"), reverse("outbox:preferences"), order=90))
    return entries
