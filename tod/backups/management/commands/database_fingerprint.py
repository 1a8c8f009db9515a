"""Print each table's row count and checksum, to compare a restored copy with its source."""

from django.core.management.base import BaseCommand

from tod.backups.fingerprint import table_fingerprints


class Command(BaseCommand):
    help = "Print every table's row count and an md5 of its rows (diff two databases' output)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, database: str, **options):
        for table, (rows, checksum) in table_fingerprints(database).items():
            self.stdout.write(f"{table}\t{rows}\t{checksum}")
