"""Query helpers that keep every list inside the sites a user works in."""

from __future__ import annotations

from typing import Any

from django.db import models


class SiteScopedQuerySet(models.QuerySet):
    """For models with a `site` foreign key."""

    site_field = "site"

    def for_user(self, user: Any) -> models.QuerySet:
        """Rows of the sites the user works in, as one subquery (no extra round trip)."""
        if not user or not user.is_authenticated:
            return self.none()
        return self.filter(**{f"{self.site_field}__staff": user})
