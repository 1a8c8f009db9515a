"""The session's user, read with the ids of the sites they work in."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db import NotSupportedError
from django.db.models import Expression, JSONField

from .models import User

_AGGREGATE = {
    "postgresql": "COALESCE(JSONB_AGG({column}), '[]'::jsonb)",
    "sqlite": "JSON_GROUP_ARRAY({column})",
}


class SiteIdsOfUser(Expression):
    """The ids of the sites of the user row, as a JSON array: a correlated subquery on the
    user-site table, written out rather than built from a queryset (whose compiling, on every
    signed-in request, cost more than the query it saved)."""

    output_field = JSONField()

    def as_sql(self, compiler, connection):
        aggregate = _AGGREGATE.get(connection.vendor)
        if aggregate is None:
            raise NotSupportedError(f"SiteIdsOfUser has no JSON aggregate for {connection.vendor}")
        links = User.sites.through._meta
        qn = compiler.quote_name_unless_alias
        column = qn(links.get_field("site").column)
        user_column = qn(links.get_field("user").column)
        user_id = f"{qn(User._meta.db_table)}.{qn(User._meta.pk.column)}"
        table = qn(links.db_table)
        sql = aggregate.format(column=column)
        return f"(SELECT {sql} FROM {table} WHERE {user_column} = {user_id})", []


# Built once; each request filters a copy.
USERS_WITH_SITE_IDS = User._default_manager.annotate(site_id_list=SiteIdsOfUser())


class SiteAwareModelBackend(ModelBackend):
    """Django's ModelBackend, whose `get_user` (run on every signed-in request) also reads the
    user's site ids in the user's query: every list is scoped by them
    (SiteScopedQuerySet.in_sites_of), which was a query of its own on every page."""

    def get_user(self, user_id):
        try:
            user = USERS_WITH_SITE_IDS.get(pk=user_id)
        except User.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        user.remember_site_ids(user.__dict__.pop("site_id_list"))
        return user
