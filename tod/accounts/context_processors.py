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


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    items: list[MenuItem] = []
    for module in _modules():
        items.extend(module.items(user))
    return {"menu": sorted(items, key=lambda item: item.order)}
