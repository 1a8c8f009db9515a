"""Seed the demo programme. Idempotent: running it twice duplicates nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation import demo as evaluation_demo
from logbooks import demo as logbooks_demo
from matching import demo as matching_demo
from programme import demo as programme_demo


class Command(BaseCommand):
    help = "Create (or complete) the demo programme and print the demo logins."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            ctx = programme_demo.seed()
            # Order matters: pairs need participants, meetings need pairs, evaluation needs both.
            matching_demo.seed(ctx)
            logbooks_demo.seed(ctx)
            evaluation_demo.seed(ctx)
        self.stdout.write(self.style.SUCCESS(_("Demo programme ready.")))
        self.stdout.write(
            _("Demo logins (password: %(password)s):") % {"password": programme_demo.DEMO_PASSWORD}
        )
        for username, user in ctx.users.items():
            self.stdout.write(f"  {username:<16} {user.get_role_display()}")
