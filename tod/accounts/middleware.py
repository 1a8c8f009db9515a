from django.conf import settings


class UserLanguageCookieMiddleware:
    """After a login, write the user's saved language to the language cookie, so the choice made
    on one device follows the user to the next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, "_user_language", None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
            )
        return response
