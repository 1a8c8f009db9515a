"""Roles and what each may do.

One role per user; the Permission enum names the actions the views check with `has_permission`.
Groups named after the roles mirror this for the admin site.
"""

from __future__ import annotations

import enum

from .models import Role


class Permission(enum.Enum):
    VIEW_MANAGER_DASHBOARD = "view_manager_dashboard"
    MANAGE_PARTICIPANTS = "manage_participants"  # recruitment, screening, consent, withdrawal
    MANAGE_TRAINING = "manage_training"
    MANAGE_SUPERVISION = "manage_supervision"  # plan supervision and network meetings
    LEAD_SUPERVISION = "lead_supervision"  # the supervisor's notes on sessions they lead
    VIEW_OWN_SUPERVISION = "view_own_supervision"  # a supporter's own sessions
    MANAGE_MATCHING = "manage_matching"
    FILL_OWN_SURVEY = "fill_own_survey"
    MANAGE_PAIRS = "manage_pairs"
    VIEW_OWN_PAIRS = "view_own_pairs"
    RECORD_MEETINGS = "record_meetings"
    WRITE_LOGBOOK = "write_logbook"
    REVIEW_LOGBOOKS = "review_logbooks"
    VIEW_OUTBOX = "view_outbox"
    VIEW_SUPPORTER_HOME = "view_supporter_home"
    VIEW_NURSE_HOME = "view_nurse_home"
    RECORD_NURSE_VISITS = "record_nurse_visits"
    VIEW_SUPERVISOR_HOME = "view_supervisor_home"
    VIEW_EVALUATION = "view_evaluation"
    EDIT_EVALUATION = "edit_evaluation"
    EXPORT_PSEUDONYMISED = "export_pseudonymised"
    EXPORT_FULL = "export_full"
    VIEW_AUDIT_LOG = "view_audit_log"


P = Permission

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.MANAGER: frozenset(
        {
            P.VIEW_MANAGER_DASHBOARD,
            P.MANAGE_PARTICIPANTS,
            P.MANAGE_TRAINING,
            P.MANAGE_SUPERVISION,
            P.MANAGE_MATCHING,
            P.MANAGE_PAIRS,
            P.RECORD_MEETINGS,
            P.REVIEW_LOGBOOKS,
            P.VIEW_OUTBOX,
            P.VIEW_EVALUATION,
            P.EXPORT_PSEUDONYMISED,
            P.EXPORT_FULL,
            P.VIEW_AUDIT_LOG,
        }
    ),
    Role.SUPPORTER: frozenset(
        {
            P.VIEW_SUPPORTER_HOME,
            P.FILL_OWN_SURVEY,
            P.VIEW_OWN_PAIRS,
            P.RECORD_MEETINGS,
            P.WRITE_LOGBOOK,
            P.VIEW_OWN_SUPERVISION,
        }
    ),
    Role.NURSE: frozenset({P.VIEW_NURSE_HOME, P.RECORD_NURSE_VISITS}),
    Role.SUPERVISOR: frozenset({P.VIEW_SUPERVISOR_HOME, P.LEAD_SUPERVISION}),
    Role.EVALUATOR: frozenset({P.VIEW_EVALUATION, P.EDIT_EVALUATION, P.EXPORT_PSEUDONYMISED}),
}

# Where each role lands after logging in.
ROLE_HOME_URL_NAMES: dict[str, str] = {
    Role.MANAGER: "programme:dashboard",
    Role.SUPPORTER: "programme:supporter_home",
    Role.NURSE: "evaluation:nurse_home",
    Role.SUPERVISOR: "programme:supervisor_home",
    Role.EVALUATOR: "evaluation:dashboard",
}

# Django model permissions each role's group holds, by app label and action, for the admin site.
ROLE_MODEL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.MANAGER: {
        "programme": ("view", "add", "change", "delete"),
        "matching": ("view", "add", "change", "delete"),
        "logbooks": ("view", "change"),
        "evaluation": ("view",),
    },
    Role.SUPPORTER: {"logbooks": ("view", "add", "change")},
    Role.NURSE: {"evaluation": ("view", "add", "change")},
    Role.SUPERVISOR: {"programme": ("view",)},
    Role.EVALUATOR: {"evaluation": ("view", "add", "change")},
}


def sync_role_groups(**kwargs) -> None:
    """Create one group per role holding its model permissions. Idempotent."""
    from django.contrib.auth.models import Group
    from django.contrib.auth.models import Permission as ModelPermission

    for role, apps in ROLE_MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        wanted = ModelPermission.objects.none()
        for app_label, actions in apps.items():
            for action in actions:
                wanted = wanted | ModelPermission.objects.filter(
                    content_type__app_label=app_label, codename__startswith=f"{action}_"
                )
        group.permissions.set(wanted)
