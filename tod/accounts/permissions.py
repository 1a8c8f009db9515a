"""The one place that decides access: `has_permission`, the `requires` decorator and the helper
that fetches an object only if the user may see it (404 otherwise, so nothing leaks that it
exists)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from .roles import ROLE_PERMISSIONS, Permission


def has_permission(user: Any, perm: Permission, obj: Model | None = None) -> bool:
    """True when the user's role grants `perm` and, for an object, the user may reach it.

    An object decides reachability with `user_can_access(user)` when it defines one (a pair:
    its supporter or staff of its site); otherwise an object with a `site_id` is reachable by
    staff of that site.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if perm not in ROLE_PERMISSIONS.get(user.role, frozenset()):
        return False
    if obj is None:
        return True
    check = getattr(obj, "user_can_access", None)
    if check is not None:
        return bool(check(user))
    site_id = getattr(obj, "site_id", None)
    return user.works_in(site_id)


def requires(*perms: Permission) -> Callable:
    """View decorator: anonymous users go to the login page; users whose role grants none of
    `perms` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_permission(request.user, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_permissions = perms  # read by the access-matrix test
        return wrapper

    return decorator


_M = TypeVar("_M", bound=Model)


def get_object_for_user(queryset: QuerySet[_M], user: Any, perm: Permission, **lookup: Any) -> _M:
    """Fetch an object the user may reach with `perm`; 404 for anything else, existing or not."""
    try:
        obj = queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not has_permission(user, perm, obj):
        raise Http404
    return obj
