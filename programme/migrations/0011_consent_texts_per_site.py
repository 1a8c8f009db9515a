"""Every site gets its settings row (the installation's defaults) and its own copy of the consent
texts: each site keeps its current text and the whole version history, and every consent points
at its own site's copy of the very version it was given to (same number, title and text)."""

import datetime as dt

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Site = apps.get_model("accounts", "Site")
    SiteSettings = apps.get_model("programme", "SiteSettings")
    ConsentText = apps.get_model("programme", "ConsentText")
    Consent = apps.get_model("programme", "Consent")
    quiet_from, quiet_to = getattr(settings, "OUTBOX_QUIET_HOURS", (21, 8))
    sites = list(Site.objects.order_by("pk"))
    for site in sites:
        SiteSettings.objects.get_or_create(
            site=site,
            defaults={
                "quiet_from": dt.time(quiet_from),
                "quiet_to": dt.time(quiet_to),
                "sms_sender": getattr(settings, "OUTBOX_SMS_SENDER", ""),
            },
        )
    shared = list(ConsentText.objects.filter(site__isnull=True).order_by("purpose", "version"))
    if not sites:
        # A fresh installation: each site gets the first texts when it is made.
        ConsentText.objects.filter(site__isnull=True).delete()
        return
    first, *others = sites
    for site in others:
        for text in shared:
            copy = ConsentText.objects.create(
                site=site,
                purpose=text.purpose,
                version=text.version,
                title=text.title,
                body=text.body,
                valid_from=text.valid_from,
                created_at=text.created_at,
            )
            Consent.objects.filter(text=text, participant__site=site).update(text=copy)
    ConsentText.objects.filter(site__isnull=True).update(site=first)


class Migration(migrations.Migration):
    dependencies = [("programme", "0010_site_settings_and_consent_text_site")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
