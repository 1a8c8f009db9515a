"""Database triggers that write AuditEvent rows for every insert, update and delete on the
audited tables, whoever makes them (save(), QuerySet.update(), bulk_create(), raw SQL).

The acting user reaches the trigger through the database session: `tod.actor_id` (a PostgreSQL
setting) or the one-row table audit_actor (SQLite). `tod.audit.context` sets both.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import connections

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION tod_audit_row() RETURNS trigger AS $$
DECLARE
  actor bigint := nullif(current_setting('tod.actor_id', true), '')::bigint;
  left_out text[] := coalesce(TG_ARGV[1], '{}')::text[];
  old_row jsonb;
  new_row jsonb;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN old_row := to_jsonb(OLD) - left_out; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN new_row := to_jsonb(NEW) - left_out; END IF;
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN RETURN NULL; END IF;
  INSERT INTO audit_auditevent (at, actor_id, table_name, row_id, action, old, new)
  VALUES (clock_timestamp(), actor, TG_TABLE_NAME,
          coalesce(new_row, old_row) ->> TG_ARGV[0], left(TG_OP, 1), old_row, new_row);
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION tod_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF current_setting('tod.audit_maintenance', true) = 'on' THEN
    RETURN coalesce(NEW, OLD);
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only (%.%)', TG_TABLE_NAME, TG_OP;
END $$ LANGUAGE plpgsql;
"""


def audited_models():
    """Models whose rows are personal or health data: every model of the programme's apps,
    less the ones settings.AUDIT_EXCLUDED_MODELS names (bookkeeping, not people's data), and
    the platform's models that settings.AUDITED_MODELS names (the accounts, a site's retention
    period)."""
    excluded = {label.lower() for label in settings.AUDIT_EXCLUDED_MODELS}
    for app_label in settings.AUDITED_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if model._meta.label_lower not in excluded and model._meta.managed:
                yield model
    for label in getattr(settings, "AUDITED_MODELS", {}):
        yield apps.get_model(label)


def left_out_columns(model) -> list[str]:
    """The columns of `model` the trail never copies (settings.AUDITED_MODELS): secrets such as
    a password hash, and bookkeeping that changes on every login. A change to those alone
    writes no event."""
    names = {key.lower(): value for key, value in getattr(settings, "AUDITED_MODELS", {}).items()}
    fields = names.get(model._meta.label_lower, ())
    return [model._meta.get_field(name).column for name in fields]


def _install_postgresql(cursor, models) -> None:
    cursor.execute(PG_FUNCTION)
    for model in models:
        table = model._meta.db_table
        pk = model._meta.pk.column
        left_out = "{" + ",".join(left_out_columns(model)) + "}"
        cursor.execute(f'DROP TRIGGER IF EXISTS tod_audit ON "{table}"')
        cursor.execute(
            f'CREATE TRIGGER tod_audit AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION tod_audit_row('{pk}', '{left_out}')"
        )
    for table in ("audit_auditevent", "audit_accessevent"):
        cursor.execute(f'DROP TRIGGER IF EXISTS tod_append_only ON "{table}"')
        cursor.execute(
            f'CREATE TRIGGER tod_append_only BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION tod_audit_append_only()"
        )


def _sqlite_json(alias: str, model) -> str:
    """json_object(...) of the row; SQLite caps a function at 127 arguments, so wide rows are
    built in chunks of 50 columns joined with json_patch."""
    left_out = set(left_out_columns(model))
    columns = [f.column for f in model._meta.concrete_fields if f.column not in left_out]
    chunks = [columns[i : i + 50] for i in range(0, len(columns), 50)]
    objects = [
        "json_object(" + ", ".join(f"'{c}', {alias}.\"{c}\"" for c in chunk) + ")"
        for chunk in chunks
    ]
    expression = objects[0]
    for more in objects[1:]:
        expression = f"json_patch({expression}, {more})"
    return expression


def _install_sqlite(cursor, models) -> None:
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS audit_actor "
        "(id INTEGER PRIMARY KEY, actor_id INTEGER, maintenance INTEGER NOT NULL DEFAULT 0)"
    )
    cursor.execute("PRAGMA table_info(audit_actor)")
    if "maintenance" not in {row[1] for row in cursor.fetchall()}:  # made by an older version
        cursor.execute("ALTER TABLE audit_actor ADD COLUMN maintenance INTEGER NOT NULL DEFAULT 0")
    cursor.execute("INSERT OR IGNORE INTO audit_actor (id, actor_id) VALUES (1, NULL)")
    actor = "(SELECT actor_id FROM audit_actor WHERE id = 1)"
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    for model in models:
        table = model._meta.db_table
        pk = model._meta.pk.column
        old_json, new_json = _sqlite_json("OLD", model), _sqlite_json("NEW", model)
        insert = (
            "INSERT INTO audit_auditevent (at, actor_id, table_name, row_id, action, old, new) "
            f"VALUES ({now}, {actor}, '{table}', "
        )
        row_new, row_old = f'NEW."{pk}"', f'OLD."{pk}"'
        on = f'ON "{table}"'
        statements = {
            "i": f"AFTER INSERT {on} BEGIN {insert} {row_new}, 'I', NULL, {new_json}); END",
            "u": (
                f"AFTER UPDATE {on} WHEN {old_json} IS NOT {new_json} "
                f"BEGIN {insert} {row_new}, 'U', {old_json}, {new_json}); END"
            ),
            "d": f"AFTER DELETE {on} BEGIN {insert} {row_old}, 'D', {old_json}, NULL); END",
        }
        for suffix, body in statements.items():
            name = f"tod_audit_{table}_{suffix}"
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            cursor.execute(f'CREATE TRIGGER "{name}" {body}')
    # Append-only for updates. Deleting stays possible on SQLite, the development database,
    # because the test runner empties tables with DELETE between tests.
    cursor.execute("DROP TRIGGER IF EXISTS tod_audit_append_only")
    cursor.execute(
        "CREATE TRIGGER tod_audit_append_only BEFORE UPDATE ON audit_auditevent "
        "WHEN (SELECT maintenance FROM audit_actor WHERE id = 1) IS NOT 1 "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    )


def install_triggers(using: str = "default") -> int:
    """(Re)create the audit triggers on every audited table. Idempotent. Returns how many
    tables are audited."""
    connection = connections[using]
    models = list(audited_models())
    existing = set(connection.introspection.table_names())
    models = [model for model in models if model._meta.db_table in existing]
    if "audit_auditevent" not in existing:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _install_postgresql(cursor, models)
        elif connection.vendor == "sqlite":
            _install_sqlite(cursor, models)
        else:  # pragma: no cover - the project supports PostgreSQL and SQLite
            raise NotImplementedError(connection.vendor)
    return len(models)


def install_triggers_after_migrate(sender, using="default", **kwargs) -> None:
    if sender.label == "audit":
        install_triggers(using)
