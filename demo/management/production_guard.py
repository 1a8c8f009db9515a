"""Demo and scale data do not belong in a production database."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def add_force_argument(parser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help=_("Run even with DJANGO_DEBUG=false (a production installation)."),
    )


def refuse_in_production(command: str, *, force: bool) -> None:
    """Stop a seeding command when DEBUG is off, unless forced: it creates made-up people and
    accounts with published passwords (seed_scale's scale-admin) next to real health data."""
    if settings.PRODUCTION and not force:
        raise CommandError(
            _(
                "%(command)s creates demo people and accounts with known passwords, and "
                "DJANGO_DEBUG is false (production). Run it on a development or test "
                "installation; add --force only if this database holds no real data."
            )
            % {"command": command}
        )
