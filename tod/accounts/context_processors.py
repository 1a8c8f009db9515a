"""The navigation menu: each app contributes the entries its views allow the user to open, so a
role sees only its own menu and no template decides access."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    order: int = 50


@cache
def _modules():
    return [import_module(name) for name in settings.NAVIGATION_MODULES]


def menu_for(user) -> tuple[MenuItem, ...]:
    items = [item for module in _modules() for item in module.items(user)]
    return tuple(sorted(items, key=lambda item: item.order))


def navigation(request: HttpRequest) -> dict:
    """The user's menu and the entry of the page shown (`menu_active`, its URL)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return {"menu": (), "menu_active": ""}
    menu = menu_for(user)
    active = next((item.url for item in menu if item.url == request.path), "")
    return {"menu": menu, "menu_active": active}
