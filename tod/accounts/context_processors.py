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


def fragment_key() -> str:
    """What a shared fragment of a page depends on besides its own variables: the language of
    its text and the URL prefix and URLconf of its links ({% cache %} blocks vary on it)."""
    return f"{get_language()}|{get_script_prefix()}|{get_urlconf() or settings.ROOT_URLCONF}"


def menu_for(user) -> tuple[MenuItem, ...]:
    key = (user.role, fragment_key())
    menu = _menus.get(key)
    if menu is None:
        items = [item for module in _modules() for item in module.items(user)]
        menu = _menus[key] = tuple(sorted(items, key=lambda item: item.order))
    return menu


def navigation(request: HttpRequest) -> dict:
    """The user's menu and the entry of the page shown (`menu_active`, its URL), and
    `fragment_key` for the templates' shared fragments (base.html caches the rendered menu by
    role, active entry and fragment_key)."""
    key = fragment_key()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return {"menu": (), "menu_active": "", "fragment_key": key}
    menu = menu_for(user)
    active = next((item.url for item in menu if item.url == request.path), "")
    return {"menu": menu, "menu_active": active, "fragment_key": key}
