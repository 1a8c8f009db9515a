"""Backups you can restore: a seeded PostgreSQL database is backed up with `backup_database` and
restored with `restore_database` into fresh databases, as an operator runs them, and every table's
rows are compared. The databases made here are dropped at the end."""

import io
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from hashlib import md5
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from tod.backups.services import BackupError, backup_create, backup_files, backups_prune

ROOT = Path(__file__).resolve().parents[2]
KEY = "a-test-only-backup-passphrase-of-this-run"
SERVER = urlsplit(os.environ.get("DATABASE_URL", ""))

pytestmark = pytest.mark.skipif(
    not SERVER.scheme.startswith("postgres"), reason="backups are of PostgreSQL (DATABASE_URL)"
)


def said(message: str) -> str:
    """A message as the commands print it: in the installation's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


KEY_MISSING = (
    "BACKUP_ENCRYPTION_KEY is not set. Set it to a long random value of its own, e.g. the output "
    "of: python -c 'import secrets; print(secrets.token_urlsafe(50))', and keep a copy apart from "
    "the backups: without it no backup can be read."
)


def url(database: str) -> str:
    return urlunsplit(SERVER._replace(path=f"/{database}"))


@contextmanager
def cursor_on(database: str = "postgres"):
    """A cursor in autocommit mode on `database`, closed afterwards."""
    connection = psycopg2.connect(url(database))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


@pytest.fixture(scope="module")
def databases():
    """Makes fresh, empty databases on the test server; drops them all at the end."""
    made: list[str] = []

    def make() -> str:
        name = f"tod_restore_test_{uuid.uuid4().hex[:12]}"
        with cursor_on() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return name

    yield make
    with cursor_on() as cursor:
        for name in made:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database: str, key: str | None = KEY, directory: Path | None = None):
    """`python manage.py ...` as an operator runs it, against `database`."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "BACKUP_KEEP")}
    env.update(DATABASE_URL=url(database), BACKUP_ENCRYPTION_KEY=key or "")
    if directory:
        env["BACKUP_DIR"] = str(directory)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def seeded(databases, tmp_path_factory):
    """A migrated database with the demo programme, and a backup of it: (database, file)."""
    source = databases()
    for command in (["migrate", "-v0"], ["seed_demo"]):
        result = manage(*command, database=source)
        assert result.returncode == 0, result.stderr
    directory = tmp_path_factory.mktemp("backups")
    result = manage("backup_database", database=source, directory=directory)
    assert result.returncode == 0, result.stderr
    (backup,) = backup_files(directory)
    assert "Backup of database" in result.stderr  # the log line
    return source, backup


def fingerprints(database: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and an md5 of its rows in a fixed order."""
    with cursor_on(database) as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(row[0] for row in cursor.fetchall())
        result = {}
        for table in tables:
            cursor.execute(
                "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) "
                f'FROM "{table}" t'
            )
            result[table] = cursor.fetchone()
    return result


def structure(database: str) -> dict[str, set]:
    """Triggers (the audit trail's), indexes and constraints, by name."""
    queries = {
        "triggers": "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal",
        "indexes": "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'",
        "constraints": "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace",
    }
    with cursor_on(database) as cursor:
        found = {}
        for kind, query in queries.items():
            cursor.execute(query)
            found[kind] = set(cursor.fetchall())
    return found


def test_a_restored_backup_holds_every_row_and_a_second_restore_needs_force(seeded, databases):
    source, backup = seeded
    target = databases()

    result = manage("restore_database", str(backup), database=target)

    assert result.returncode == 0, result.stderr
    assert f"Database {target} restored from {backup}" in result.stderr  # the log line
    expected = fingerprints(source)
    assert expected["programme_participant"][0] > 0
    assert expected["audit_auditevent"][0] > 0
    assert fingerprints(target) == expected
    assert structure(target) == structure(source)
    assert ("programme_participant", "tod_audit") in structure(target)["triggers"]
    check = manage("migrate", "--check", database=target)
    assert check.returncode == 0, check.stdout + check.stderr

    # The database now holds tables: replacing them takes --force.
    with cursor_on(target) as cursor:
        cursor.execute("CREATE TABLE made_after_the_backup (id int)")
        cursor.execute("UPDATE accounts_site SET name = name || ' (changed since)'")
    changed = fingerprints(target)

    refused = manage("restore_database", str(backup), database=target)

    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert fingerprints(target) == changed

    forced = manage("restore_database", str(backup), "--force", database=target)

    assert forced.returncode == 0, forced.stderr
    assert "--force" in forced.stderr  # the log line says it replaced a database
    assert fingerprints(target) == expected


def test_the_backup_file_holds_nothing_readable(seeded):
    source, backup = seeded
    with cursor_on(source) as cursor:
        # As a plain dump's COPY lines hold a name.
        cursor.execute("SELECT first_name || E'\\t' || last_name FROM programme_participant")
        (name,) = cursor.fetchone()
    data = backup.read_bytes()
    for plain in (b"PGDMP", b"programme_participant", name.encode()):
        assert plain not in data
    assert oct(backup.stat().st_mode & 0o777) == "0o600"


def test_restore_refuses_a_wrong_key_or_none_and_changes_nothing(seeded, databases):
    _source, backup = seeded
    target = databases()

    wrong = manage("restore_database", str(backup), database=target, key="not-the-key")
    missing = manage("restore_database", str(backup), database=target, key=None)

    assert wrong.returncode != 0
    assert said("the key is not the one this backup was made with") in wrong.stderr
    assert missing.returncode != 0
    assert said(KEY_MISSING) in missing.stderr
    assert fingerprints(target) == {}


def test_backup_refuses_without_a_key_and_writes_nothing(seeded, tmp_path):
    source, _backup = seeded

    result = manage("backup_database", database=source, key=None, directory=tmp_path)

    assert result.returncode != 0
    assert said(KEY_MISSING) in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_each_backup_keeps_the_newest_backup_keep_files(db, tmp_path, settings):
    settings.BACKUP_ENCRYPTION_KEY = KEY
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("kept")
    made = []
    for day in (1, 2, 3):
        with time_machine.travel(f"2026-03-0{day} 02:00Z", tick=False):
            made.append(backup_create(directory=tmp_path, keep=2))

    assert backup_files(tmp_path) == [made[1].path, made[2].path]
    assert made[2].removed == [made[0].path]
    assert made[0].path.name == "tod-20260301T020000Z.backup"
    assert unrelated.exists()
    with pytest.raises(BackupError, match="BACKUP_KEEP"):
        backups_prune(directory=tmp_path, keep=0)


def test_database_fingerprint_prints_each_tables_rows_and_checksum(db):
    out = io.StringIO()

    call_command("database_fingerprint", stdout=out)

    lines = dict(line.split("\t", 1) for line in out.getvalue().splitlines())
    assert lines["programme_participant"] == f"0\t{md5(b'').hexdigest()}"
    assert "django_migrations" in lines
