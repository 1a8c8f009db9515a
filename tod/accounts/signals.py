"""On login: start the session clocks and restore the user's chosen language."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in, dispatch_uid="accounts.activate_user_language")
def activate_user_language(sender, request, user, **kwargs) -> None:
    from .middleware import LAST_SEEN, LOGIN_AT

    now = time.time()
    request.session[LOGIN_AT] = now  # the 12-hour limit counts from here
    request.session[LAST_SEEN] = now
    if getattr(user, "language", None):
        translation.activate(user.language)
        request._user_language = user.language  # written to the cookie by the middleware
