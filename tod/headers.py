"""Response headers that Django does not set itself."""

from __future__ import annotations

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy: every feature in PERMISSIONS_POLICY denied (`camera=()`), so a
    page, or anything injected into one, cannot ask for the camera, microphone, location and
    the like that ToD never uses."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.setdefault("Permissions-Policy", self.value)
        return response
