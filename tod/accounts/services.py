from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import Role, Site, User


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    sites: Iterable[Site] = (),
    password: str | None = None,
    **fields: Any,
) -> User:
    """Create a user with a role, its group and its sites."""
    user = User(username=username, role=role, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.sites.set(sites)
    if role:
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        user.groups.set([group])
    return user


def accounts_deactivate_expired(*, today: dt.date | None = None) -> int:
    """Deactivate every active account whose access expiry date is before today. Idempotent."""
    today = today or timezone.localdate()
    return User.objects.filter(is_active=True, access_expires_on__lt=today).update(is_active=False)


# Secret addresses that apps above this one hand out in a user's name and that work without a
# session (logbooks' calendar feed). Each app registers how to replace them (AppConfig.ready),
# so this layer never imports it.
_standing_access_revokers: list[Callable[[User], None]] = []


def register_standing_access(revoke: Callable[[User], None]) -> None:
    """Called once by an app that gives a user such an address, with a function that replaces
    it (and does nothing for a user who has none)."""
    if revoke not in _standing_access_revokers:
        _standing_access_revokers.append(revoke)


def user_revoke_standing_access(*, user: User) -> None:
    """Replace every secret address of the user: after a password change or reset, and when they
    log out on all devices, nothing opened with the old credentials keeps working."""
    for revoke in _standing_access_revokers:
        revoke(user)


@transaction.atomic
def user_end_all_sessions(*, user: User, standing_access: bool = True) -> None:
    """Log the user out everywhere: every session's auth hash stops matching. With
    `standing_access` (the "log out on all devices" button) the secret addresses go too; turning
    on two-step login ends the sessions only (a supporter's phone calendar keeps working)."""
    user.rotate_session_salt()
    user.save(update_fields=["session_salt"])
    if standing_access:
        user_revoke_standing_access(user=user)


SYSTEM_USERNAME = "system"


def system_user() -> User:
    """The account that automated jobs act as (retention, sweeps), so every record still says
    who did it. It cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "ToD", "last_name": "system", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
