"""The login backend: Django's ModelBackend, which also refuses an account whose access has
expired (User.access_expires_on).

ModelBackend asks `user_can_authenticate` both when someone logs in and when it loads the
session's user on every request, so an expiry date that passes ends the open sessions on their
next page, without waiting for the hourly job that deactivates the account
(tod.accounts.tasks.deactivate_expired_accounts)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not user.access_has_expired(timezone.localdate())
