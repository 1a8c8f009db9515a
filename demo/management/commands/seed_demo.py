"""Seed the demo programme. Idempotent: running it twice duplicates nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from demo import evaluation as evaluation_demo
from demo import logbooks as logbooks_demo
from demo import matching as matching_demo
from demo import programme as programme_demo
from demo.management.production_guard import add_force_argument, refuse_in_production


class Command(BaseCommand):
    help = "Create (or complete) the demo programme and print the demo logins."

    def add_arguments(self, parser) -> None:
        add_force_argument(parser)

    def handle(self, *args, force: bool = False, **options) -> None:
        refuse_in_production("seed_demo", force=force)
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
