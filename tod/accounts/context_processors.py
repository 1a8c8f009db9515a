"""The navigation menu: each app contributes the entries its views allow the user to open, so a
role sees only its own menu and no template decides access."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    order: int = 50


@cache
def _modules():
    return [import_module(name) for name in settings.NAVIGATION_MODULES]


# Built menus by (role, language, URL prefix, URLconf). An app's `items(user)` decides by the
# user's role alone (has_permission without an object), so every manager shares one menu per
# language: the reverses and translations are done once per process instead of on every page.
_menus: dict[tuple, tuple[MenuItem, ...]] = {}


def menu_for(user) -> tuple[MenuItem, ...]:
    key = (user.role, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    menu = _menus.get(key)
    if menu is None:
        items = [item for module in _modules() for item in module.items(user)]
        menu = _menus[key] = tuple(sorted(items, key=lambda item: item.order))
    return menu


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return {"menu": ()}
    return {"menu": menu_for(user)}
