"""factory_boy factories of the platform's accounts: sites and users with a role.

The tests, the demo programme and the scale data all build their people here (docs/testing.md).
`UserFactory` creates through `user_create`, so a user gets their role's group and their sites
as an account made in the app does; `.build()` gives an unsaved user for bulk inserts.
"""

from __future__ import annotations

from typing import Any

import factory
from django.utils.text import slugify

from .models import Role, Site, User
from .services import user_create


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    """A site; its slug is its natural key, so asking twice for one slug gives the same site."""

    class Meta:
        model = Site
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Site {n}")
    slug = factory.LazyAttribute(lambda site: slugify(site.name))


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A user with a role (a manager unless told), the sites they work in (`sites=[...]`) and a
    password (`password=`; unusable without one)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user-{n}")
    role = Role.MANAGER

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **fields: Any) -> User:
        return user_create(**fields)
