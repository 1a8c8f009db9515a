"""Send the due reminders now, as the beat task does every minute (for operators)."""

import time

from django.core.management.base import BaseCommand

from tod.outbox.services import outbox_sweep


class Command(BaseCommand):
    help = "Send every due reminder in the outbox; with --loop, keep sweeping every minute."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument("--loop", action="store_true", help="sweep every 60 s until stopped")

    def handle(self, *args, batch_size: int, loop: bool, **options) -> None:
        while True:
            result = outbox_sweep(batch_size=batch_size, max_seconds=None)
            self.stdout.write(
                f"sent={result.sent} retried={result.retried} failed={result.failed} "
                f"cancelled={result.cancelled} postponed={result.postponed}"
            )
            if not loop:
                return
            time.sleep(60)
