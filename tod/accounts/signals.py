"""Restore a user's chosen language when they log in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in, dispatch_uid="accounts.activate_user_language")
def activate_user_language(sender, request, user, **kwargs) -> None:
    if getattr(user, "language", None):
        translation.activate(user.language)
        request._user_language = user.language  # written to the cookie by the middleware
