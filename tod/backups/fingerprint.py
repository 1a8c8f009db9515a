"""Each table's row count and a checksum of its rows: two databases with equal fingerprints hold
the same data. What a restore test compares (docs/operations.md, tests/tod/test_backups.py)."""

from __future__ import annotations

from django.db import connections


def table_fingerprints(using: str = "default") -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of the rows as text in a fixed order)} for the schema `public`."""
    connection = connections[using]
    quote = connection.ops.quote_name
    fingerprints: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
                f"FROM {quote(table)} AS t"  # noqa: S608 - a table name from the catalogue
            )
            rows, checksum = cursor.fetchone()
            fingerprints[table] = (rows, checksum)
    return fingerprints
