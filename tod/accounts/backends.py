"""The session's user, read with the ids of the sites they work in."""

from __future__ import annotations

import json
from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import NotSupportedError, router
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


USERS_WITH_SITE_IDS = User._default_manager.annotate(site_id_list=SiteIdsOfUser())


@cache
def _user_sql(alias: str) -> str:
    """The SQL of `USERS_WITH_SITE_IDS.filter(pk=...)` on the database `alias`, compiled once
    per process: building it from the queryset on every request cost more CPU than running it
    (bench/pages.py). The SQL comes from the model, so it follows the model's migrations."""
    query = USERS_WITH_SITE_IDS.filter(pk=0).query
    sql, params = query.get_compiler(alias).as_sql()
    if list(params) != [0]:
        raise ImproperlyConfigured(f"the session user's query takes {params!r}, not the id")
    return sql


class SiteAwareModelBackend(ModelBackend):
    """Django's ModelBackend, whose `get_user` (run on every signed-in request) also reads the
    user's site ids in the user's query: every list is scoped by them
    (SiteScopedQuerySet.in_sites_of), which was a query of its own on every page."""

    def get_user(self, user_id):
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        alias = router.db_for_read(User)
        user = next(iter(User._default_manager.raw(_user_sql(alias), [user_id], using=alias)), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user.remember_site_ids(_json_list(user.__dict__.pop("site_id_list")))
        return user


def _json_list(value) -> list:
    """A JSON column read by raw SQL: text on SQLite and (as Django registers psycopg2's
    loader) on PostgreSQL."""
    return json.loads(value) if isinstance(value, str | bytes) else value
