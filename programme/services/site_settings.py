"""A site's settings and its consent texts: each municipality is its own data controller, so
nothing one site's manager does here changes another site (docs/programme.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from tod.accounts.models import Site
from tod.outbox.sites import SiteSending

from ..models import ConsentPurpose, ConsentText, SiteSettings

# The first version of the consent texts a new site starts from (the wording of migration
# 0003): the site's manager publishes its own versions on the settings page.
FIRST_CONSENT_TEXTS = {
    ConsentPurpose.PROGRAMME: (
        "Samtykke til at deltage i Sammen om Diabetes",
        "Jeg har fået mundtlig og skriftlig information om programmet Sammen om Diabetes og "
        "giver samtykke til at deltage. Jeg ved, at jeg til enhver tid kan trække mit samtykke "
        "tilbage uden begrundelse.",
    ),
    ConsentPurpose.ROUTINE_DATA: (
        "Samtykke til brug af rutinedata i evalueringen",
        "Jeg giver samtykke til, at forskere må bruge data fra besøg hos diabetessygeplejersken, "
        "logbøger og møder til forskning i pseudonymiseret form. Jeg kan til enhver tid trække "
        "mit samtykke tilbage.",
    ),
    ConsentPurpose.INTERVIEW: (
        "Samtykke til at blive interviewet",
        "Jeg giver samtykke til, at forskere må interviewe mig og bruge interviewet til "
        "forskning i pseudonymiseret form. Jeg kan til enhver tid trække mit samtykke tilbage.",
    ),
    ConsentPurpose.OBSERVATION: (
        "Samtykke til at blive observeret",
        "Jeg giver samtykke til, at forskere må observere mig på kurset, til supervision og "
        "netværksmøder og bruge deres feltnoter til forskning i pseudonymiseret form. Jeg kan "
        "til enhver tid trække mit samtykke tilbage.",
    ),
}

SETTINGS_FIELDS = (
    "quiet_from",
    "quiet_to",
    "sms_sender",
    "contact_name",
    "contact_phone",
    "contact_email",
    "contact_address",
    "interest_intro",
)


@transaction.atomic
def site_settings_ensure(*, site: Site) -> SiteSettings:
    """The site's settings row, made with the installation's defaults when it has none, and
    the first version of each consent text when it has none. Idempotent: a new site gets them
    once (programme's AppConfig calls it when a site is made), an existing one keeps its own."""
    row, _created = SiteSettings.objects.get_or_create(site=site)
    have = set(ConsentText.objects.of_site(site).values_list("purpose", flat=True))
    ConsentText.objects.bulk_create(
        [
            ConsentText(
                site=site,
                purpose=purpose,
                version=1,
                title=title,
                body=body,
                valid_from=dt.date(2026, 1, 1),
            )
            for purpose, (title, body) in FIRST_CONSENT_TEXTS.items()
            if purpose not in have
        ],
        ignore_conflicts=True,  # a concurrent first request made them: the constraint holds
    )
    return row


def site_settings_for(site: Site) -> SiteSettings:
    """The site's settings (made with the defaults the first time they are asked for)."""
    row = SiteSettings.objects.filter(site=site).select_related("site").first()
    return row if row is not None else site_settings_ensure(site=site)


@transaction.atomic
def site_settings_update(*, site: Site, by, retention_days: int, **values) -> SiteSettings:
    """Save the site's settings and its retention period; every other site stays as it was.

    The audit trail records the change with `by` (the request's user, set by the audit
    middleware): the settings row is a programme table, the retention period is on the site."""
    row = SiteSettings.objects.select_for_update().get(pk=site_settings_for(site).pk)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    row.updated_at = timezone.now()
    row.full_clean()
    row.save()
    if site.retention_days != retention_days:
        site.retention_days = retention_days
        site.save(update_fields=["retention_days"])
    return row


@transaction.atomic
def consent_text_publish(
    *, site: Site, purpose: str, title: str, body: str, valid_from: dt.date, by
) -> ConsentText:
    """Publish a new version of one of the site's consent texts: it becomes the site's current
    text; answers given to earlier versions keep pointing at them. Other sites are untouched."""
    Site.objects.select_for_update().filter(pk=site.pk).first()  # one new version at a time
    latest = ConsentText.objects.current(purpose, site=site)
    return ConsentText.objects.create(
        site=site,
        purpose=purpose,
        version=(latest.version + 1) if latest else 1,
        title=title,
        body=body,
        valid_from=valid_from,
    )


def site_sending(site_ids: Collection[int]) -> dict[int, SiteSending]:
    """The outbox's provider (tod.outbox.sites): each site's quiet hours and SMS sender."""
    return {
        row.site_id: SiteSending(
            quiet_from=row.quiet_from, quiet_to=row.quiet_to, sms_sender=row.sms_sender
        )
        for row in SiteSettings.objects.filter(site_id__in=list(site_ids)).only(
            "site_id", "quiet_from", "quiet_to", "sms_sender"
        )
    }
