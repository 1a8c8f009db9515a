"""Roles and what each may do.

One role per user; the Permission enum names the actions the views check with `has_permission`.
Groups named after the roles say who holds each role; they carry no model permissions (the admin
site is for superusers only, tod.admin_site).
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
    MANAGE_ACCOUNTS = "manage_accounts"  # invite staff and supporters to their own sites


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
            P.MANAGE_ACCOUNTS,
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


def sync_role_groups(**kwargs) -> None:
    """One group per role, holding no model permissions. Idempotent; runs after every migrate.

    The groups name who holds which role (tod.accounts.services.user_create puts each user in
    theirs); they grant nothing in the admin site, which is for superusers only
    (tod.admin_site). Clearing on every migrate takes away the permissions older versions gave.
    """
    from django.contrib.auth.models import Group

    for role in ROLE_PERMISSIONS:
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        group.permissions.clear()
