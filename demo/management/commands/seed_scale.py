"""Seed a national programme into an empty database, for the page benchmark (bench/pages.py).

    python manage.py seed_scale --sites 20 --pairs 5000

Refuses a database that has data unless --reset is given (which empties every table first).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from demo import scale
from demo.management.production_guard import add_force_argument, refuse_in_production
from demo.scale_pairs import seed_pairs


class Command(BaseCommand):
    help = "Seed a national programme (sites, pairs, meetings, logbooks, visits) for benchmarks."

    def add_arguments(self, parser) -> None:
        add_force_argument(parser)
        parser.add_argument("--sites", type=int, default=20)
        parser.add_argument("--pairs", type=int, default=5000)
        parser.add_argument(
            "--pool", type=int, default=1000, help="Unmatched peers, and as many supporters."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Empty every table first (all data is lost)."
        )

    def handle(
        self, *args, sites: int, pairs: int, pool: int, reset: bool, force: bool, **options
    ) -> None:
        refuse_in_production("seed_scale", force=force)
        if sites < 1 or pairs < 2 * sites or pool < 0:
            raise CommandError(_("Give at least one site and two pairs per site."))
        if not scale.is_empty():
            if not reset:
                raise CommandError(
                    _(
                        "The database already has data. seed_scale fills an empty database; "
                        "run it again with --reset to empty every table first."
                    )
                )
            self.stdout.write(_("Emptying the database…"))
            scale.reset()
        started = time.monotonic()
        with transaction.atomic():
            world = scale.seed_people(sites=sites, pairs=pairs, pool=pool)
            seed_pairs(world)
        if connection.vendor == "postgresql":
            # Fresh statistics: without them the planner takes the new tables for empty and
            # picks nested loops that make the first pages hundreds of times slower.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.monotonic() - started
        for what, count in world.counts.items():
            self.stdout.write(f"  {what:<22} {count:>8,}")
        self.stdout.write(
            self.style.SUCCESS(_("Seeded in %(seconds).1f s.") % {"seconds": seconds})
        )
        first = world.sites[0].site.slug
        self.stdout.write(
            _(
                "Logins (password: %(password)s): %(site)s-manager, %(site)s-nurse, "
                "%(site)s-supervisor, %(site)s-evaluator, %(site)s-supporter-1 (and so on for "
                "every site), scale-admin (superuser)."
            )
            % {"password": scale.PASSWORD, "site": first}
        )
