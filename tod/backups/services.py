"""Encrypted backups of the PostgreSQL database, their restore, and how many are kept.

pg_dump writes its custom format, which cipher.py encrypts on the way to the file, so no
plaintext dump touches the disk. A restore reads the whole file once to check it (key and every
chunk) before the database is touched, then replaces the schema `public` in one transaction: it
either holds the backup afterwards, or what it held before. Why this and not django-dbbackup:
docs/adr/0010-backups.md.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import OperationalError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from .cipher import BackupFileError, decrypt_stream, encrypt_stream

logger = logging.getLogger("tod.backups")

PREFIX, SUFFIX = "tod-", ".backup"
# Opening of the restore script: the schema is emptied inside the transaction that refills it,
# and made again as initdb makes it (pg_dump leaves the schema public itself out of the dump).
RESET_SCHEMA = b"""BEGIN;
DROP SCHEMA public CASCADE;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';
"""


class BackupError(Exception):
    """A backup or restore refused or failed; the message says what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    removed: list[Path]


@dataclass(frozen=True)
class Restore:
    path: Path
    database: str
    replaced_tables: int


def encryption_key() -> str:
    """The passphrase backups are encrypted with; refuse to go on without one."""
    key: str = settings.BACKUP_ENCRYPTION_KEY
    if not key:
        raise BackupError(
            _(
                "BACKUP_ENCRYPTION_KEY is not set. Set it to a long random value of its own, "
                "e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))', "
                "and keep a copy apart from the backups: without it no backup can be read."
            )
        )
    return key


def _libpq_environment(using: str) -> tuple[dict[str, str], str]:
    """The environment that points pg_dump, pg_restore and psql at the database `using`."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise BackupError(
            _("Backups are made of PostgreSQL only; set DATABASE_URL to a postgres:// address.")
        )
    config = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if config.get(key):
            environment[variable] = str(config[key])
    return environment, str(config["NAME"])


def backup_files(directory: Path) -> list[Path]:
    """The backups in `directory`, oldest first (their names carry the time they were made)."""
    return sorted(directory.glob(f"{PREFIX}*{SUFFIX}"))


def backups_prune(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of `directory`; return the deleted paths.

    Only files named as this module names backups are touched.
    """
    if keep < 1:
        raise BackupError(_("BACKUP_KEEP must be at least 1."))
    old = backup_files(directory)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _error_text(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode(errors="replace").strip()


def backup_create(
    *, using: str = "default", directory: Path | None = None, keep: int | None = None
) -> Backup:
    """Dump the database, encrypted, to a new file of the backup folder; then prune old files.

    The file appears under its final name only once complete (written as .partial, renamed), so
    a failed or interrupted run leaves no backup that looks whole. Logged on `tod.backups`.
    """
    key = encryption_key()
    environment, database = _libpq_environment(using)
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{PREFIX}{timezone.now():%Y%m%dT%H%M%SZ}{SUFFIX}"
    if path.exists():
        raise BackupError(_("%(path)s exists already; try again in a second.") % {"path": path})
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as target, tempfile.TemporaryFile() as errors:
            dump = subprocess.Popen(
                ["pg_dump", "--format=custom", "--no-password"],
                stdout=subprocess.PIPE,
                stderr=errors,
                env=environment,
            )
            assert dump.stdout is not None
            try:
                encrypt_stream(dump.stdout, target, key)
            finally:
                dump.stdout.close()
                code = dump.wait()
            if code:
                raise BackupError(_("pg_dump failed: %(error)s") % {"error": _error_text(errors)})
            target.flush()
            os.fsync(target.fileno())
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    removed = backups_prune(directory=directory, keep=keep or settings.BACKUP_KEEP)
    size = path.stat().st_size
    logger.info(
        "Backup of database %s written to %s (%d bytes); %d older removed",
        database,
        path,
        size,
        len(removed),
    )
    return Backup(path=path, size=size, removed=removed)


def _plaintext(path: Path, key: str) -> Iterator[bytes]:
    """The decrypted dump, chunk by chunk, failures as BackupError."""
    try:
        with path.open("rb") as source:
            yield from decrypt_stream(source, key)
    except BackupFileError as error:
        raise BackupError(
            _("Cannot restore %(path)s: %(reason)s (BACKUP_ENCRYPTION_KEY).")
            % {"path": path, "reason": error}
        ) from None


def _tables(using: str) -> list[str]:
    connection = connections[using]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return [row[0] for row in cursor.fetchall()]
    except OperationalError as error:
        raise BackupError(
            _("Cannot reach the database (DATABASE_URL): %(error)s") % {"error": error}
        ) from None
    finally:
        # psql drops the schema next: no connection of ours may hold it.
        connection.close()


def _feed(process: subprocess.Popen[bytes], chunks: Iterator[bytes], failure: list[Any]) -> None:
    """Write the decrypted dump into pg_restore (a thread: the main one reads its output)."""
    assert process.stdin is not None
    try:
        for chunk in chunks:
            process.stdin.write(chunk)
    except BrokenPipeError:
        pass  # pg_restore stopped; its own error says why
    except BaseException as error:  # noqa: BLE001 - handed to the main thread
        failure.append(error)
    finally:
        try:
            process.stdin.close()
        except BrokenPipeError:
            pass


def backup_restore(*, path: Path, using: str = "default", force: bool = False) -> Restore:
    """Replace the database's contents with the backup at `path`.

    Refuses without the key, with a wrong key, with a damaged file (all checked before the
    database is touched) and, unless `force`, when the database holds any table. The schema
    `public` is dropped and refilled in one transaction, committed only when pg_restore read the
    whole archive: a failure leaves the database as it was. Logged on `tod.backups`.
    """
    key = encryption_key()
    environment, database = _libpq_environment(using)
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("No backup file at %(path)s.") % {"path": path})
    for _chunk in _plaintext(path, key):
        pass  # the whole file is authentic before anything is written
    tables = _tables(using)
    if tables and not force:
        raise BackupError(
            _(
                "The database %(database)s is not empty (%(count)d tables). A restore replaces "
                "everything in it: stop web, worker and beat, then run again with --force."
            )
            % {"database": database, "count": len(tables)}
        )
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as load_errors:
        to_sql = subprocess.Popen(
            ["pg_restore", "--no-owner", "--no-privileges", "--file=-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=restore_errors,
        )
        load = subprocess.Popen(
            ["psql", "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=load_errors,
            env=environment,
        )
        assert to_sql.stdout is not None and load.stdin is not None
        failure: list[Any] = []
        feeder = threading.Thread(target=_feed, args=(to_sql, _plaintext(path, key), failure))
        feeder.start()
        try:
            load.stdin.write(RESET_SCHEMA)
            while block := to_sql.stdout.read(1 << 16):
                load.stdin.write(block)
            feeder.join()
            # COMMIT only after pg_restore finished well: psql ending without it rolls back.
            if to_sql.wait() == 0 and not failure:
                load.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error (ON_ERROR_STOP); its message says which
        finally:
            to_sql.stdout.close()  # pg_restore, if still writing, stops instead of blocking
            feeder.join()
            to_sql.wait()
            try:
                load.stdin.close()
            except BrokenPipeError:
                pass
            load.wait()
        if failure:
            raise failure[0]
        if to_sql.returncode or load.returncode:
            raise BackupError(
                _("The restore failed and changed nothing: %(error)s")
                % {
                    "error": "\n".join(
                        text
                        for text in (_error_text(restore_errors), _error_text(load_errors))
                        if text
                    )
                }
            )
    logger.warning(
        "Database %s restored from %s (%s)",
        database,
        path,
        f"replaced {len(tables)} tables, --force" if tables else "into an empty database",
    )
    return Restore(path=path, database=database, replaced_tables=len(tables))
