"""On login: start the session clocks and restore the user's chosen language. In development:
drop the rendered page chrome when a template changes."""

import time

from django.contrib.auth.signals import user_logged_in
from django.core.cache import caches
from django.dispatch import receiver
from django.utils import translation
from django.utils.autoreload import file_changed


@receiver(user_logged_in, dispatch_uid="accounts.activate_user_language")
def activate_user_language(sender, request, user, **kwargs) -> None:
    from .middleware import LAST_SEEN, LOGIN_AT

    now = time.time()
    request.session[LOGIN_AT] = now  # the 12-hour limit counts from here
    request.session[LAST_SEEN] = now
    if getattr(user, "language", None):
        translation.activate(user.language)
        request._user_language = user.language  # written to the cookie by the middleware


@receiver(file_changed, dispatch_uid="accounts.forget_page_fragments")
def forget_page_fragments(sender, file_path, **kwargs) -> None:
    """In development, an edited template shows at once: the runserver reloads templates without
    restarting, and the chrome rendered from the old ones (docs/adr/0004) is dropped with them."""
    if file_path.suffix != ".py":
        caches["template_fragments"].clear()
