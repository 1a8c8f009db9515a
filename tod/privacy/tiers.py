"""Export tiers: what a user may take out of the system, named (REDCap's export rights).

- `none`: no export at all (supporters, nurses, supervisors): 403.
- `pseudonymised`: the evaluation's CSV tables and REFI-QDA project, with people as stable
  pseudonyms, ages in years and free text redacted (evaluation.exports). Evaluators and the
  manager.
- `full`: identifiers included: everything held about one participant (the right of access,
  tod.privacy.access) and the participant list as CSV. The manager only.

Each export names its tier in EXPORTS; `export_tier(user)` says the highest tier a user holds,
and `requires_tier` guards a view with it. Every export, whatever its tier, is written to the
access log, one entry per participant in the file: who, which export, when; never the values
(an export that holds no one has no one to log).
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext_noop

from tod.accounts.permissions import has_permission, requires
from tod.accounts.roles import Permission
from tod.audit.services import access_record_many


class ExportTier(enum.IntEnum):
    NONE = 0
    PSEUDONYMISED = 1
    FULL = 2


# The permission that grants each tier (tod.accounts.roles gives them to roles).
TIER_PERMISSION = {
    ExportTier.PSEUDONYMISED: Permission.EXPORT_PSEUDONYMISED,
    ExportTier.FULL: Permission.EXPORT_FULL,
}

# Every export of people's data and the tier it needs (a URL name, with its query string where
# the page itself downloads); tests/privacy/test_export_tiers.py checks each. The recruitment
# funnel's CSV (programme:funnel?format=csv) holds counts only, no one's data: no tier.
EXPORTS: dict[str, ExportTier] = {
    "evaluation:export_csv": ExportTier.PSEUDONYMISED,
    "evaluation:export_qdpx": ExportTier.PSEUDONYMISED,
    "privacy:participant_data_export": ExportTier.FULL,
    "programme:participant_list?format=csv": ExportTier.FULL,
}


def export_tier(user) -> ExportTier:
    """The highest export tier the user holds (NONE for anonymous users)."""
    if user is None or not user.is_authenticated:
        return ExportTier.NONE
    for tier in (ExportTier.FULL, ExportTier.PSEUDONYMISED):
        if has_permission(user, TIER_PERMISSION[tier]):
            return tier
    return ExportTier.NONE


def requires_tier(tier: ExportTier) -> Callable:
    """View decorator: anonymous users log in; users below `tier` get 403."""
    decorator = requires(TIER_PERMISSION[tier])

    def wrap(view):
        wrapped = decorator(view)
        wrapped.export_tier = tier
        return wrapped

    return wrap


def export_log(*, request: HttpRequest, tier: ExportTier, what: str, participants) -> int:
    """Write the export to the access log: one entry per participant whose data the file holds,
    naming the export and its tier. Returns how many entries. One INSERT whatever the number."""
    return access_record_many(
        request=request, participants=participants, what=f"{what} ({EXPORT_NAMES[tier]})"
    )


# How the access log names each tier's export (kept in English, shown in the reader's language).
EXPORT_NAMES = {
    ExportTier.PSEUDONYMISED: gettext_noop("pseudonymised export"),
    ExportTier.FULL: gettext_noop("full export"),
}
