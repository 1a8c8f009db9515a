from __future__ import annotations

from collections.abc import Iterable

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
    **fields,
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


def accounts_deactivate_expired(*, today=None) -> int:
    """Deactivate every active account whose access expiry date is before today. Idempotent."""
    today = today or timezone.localdate()
    return User.objects.filter(is_active=True, access_expires_on__lt=today).update(is_active=False)


def user_end_all_sessions(*, user: User) -> None:
    """Log the user out everywhere: every session's auth hash stops matching."""
    user.rotate_session_salt()
    user.save(update_fields=["session_salt"])


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
