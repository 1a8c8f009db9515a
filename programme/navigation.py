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
    if has_permission(user, Permission.MANAGE_PARTICIPANTS):
        entries.append(MenuItem(_("Recruitment"), reverse("programme:participant_list"), order=10))
        entries.append(
            MenuItem(_("Site settings"), reverse("programme:site_settings_sites"), order=90)
        )
    if has_permission(user, Permission.MANAGE_TRAINING):
        entries.append(MenuItem(_("Training"), reverse("programme:course_list"), order=20))
    if has_permission(user, Permission.VIEW_SUPPORTER_HOME):
        entries.append(MenuItem(_("My page"), reverse("programme:supporter_home"), order=0))
    if has_permission(user, Permission.VIEW_OWN_SUPERVISION):
        entries.append(MenuItem(_("My sessions"), reverse("programme:my_sessions"), order=60))
    if has_permission(user, Permission.VIEW_SUPERVISOR_HOME):
        entries.append(MenuItem(_("Supervision"), reverse("programme:supervisor_home"), order=0))
    if has_permission(user, Permission.MANAGE_SUPERVISION) or has_permission(
        user, Permission.LEAD_SUPERVISION
    ):
        entries.append(
            MenuItem(_("Supervision and network"), reverse("programme:session_list"), order=60)
        )
    return entries
