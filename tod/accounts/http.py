"""The request type of views behind `requires` (tod.accounts.permissions): a logged-in user.

django-stubs types `request.user` as `User | AnonymousUser`; a view the decorator guards, and
the services it passes its request to, annotate `AuthenticatedHttpRequest` instead. Only a type:
Django builds the request, nothing instantiates this class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
