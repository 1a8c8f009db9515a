"""Write an encrypted backup of the database (the `backup` service of docker-compose runs this)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tod.backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Dump the database, encrypted with BACKUP_ENCRYPTION_KEY, into BACKUP_DIR, and delete "
        "all but the newest BACKUP_KEEP backups there."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument("--directory", type=Path, help="instead of BACKUP_DIR")
        parser.add_argument("--keep", type=int, help="instead of BACKUP_KEEP")

    def handle(self, *args, database: str, directory: Path | None, keep: int | None, **options):
        try:
            backup = backup_create(using=database, directory=directory, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{backup.path} ({backup.size} bytes)")
        for path in backup.removed:
            self.stdout.write(f"removed {path}")
