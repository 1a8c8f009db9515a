"""Put an encrypted backup back into the database (docs/operations.md, *Restoring*)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tod.backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database's contents with an encrypted backup made by backup_database. "
        "Needs the BACKUP_ENCRYPTION_KEY it was made with, and --force when the database is not "
        "empty."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds tables"
        )

    def handle(self, *args, path: Path, database: str, force: bool, **options):
        try:
            restored = backup_restore(path=path, using=database, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored {restored.path} into {restored.database}")
