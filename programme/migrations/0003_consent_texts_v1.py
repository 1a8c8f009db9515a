"""Version 1 of the two consent texts, so consent can be recorded from the first day. New
versions are added by the project manager; answers keep the version they were given to."""

import datetime as dt

from django.db import migrations

TEXTS = {
    "programme": (
        "Samtykke til at deltage i Sammen om Diabetes",
        "Jeg har fået mundtlig og skriftlig information om programmet Sammen om Diabetes og "
        "giver samtykke til at deltage. Jeg ved, at jeg til enhver tid kan trække mit samtykke "
        "tilbage uden begrundelse.",
    ),
    "evaluation": (
        "Samtykke til at deltage i evalueringen",
        "Jeg giver samtykke til, at forskere må interviewe mig og bruge logbøger og data fra "
        "besøg til forskning i pseudonymiseret form. Jeg kan til enhver tid trække mit samtykke "
        "tilbage.",
    ),
}


def create(apps, schema_editor):
    ConsentText = apps.get_model("programme", "ConsentText")
    for purpose, (title, body) in TEXTS.items():
        ConsentText.objects.get_or_create(
            purpose=purpose,
            version=1,
            defaults={"title": title, "body": body, "valid_from": dt.date(2026, 1, 1)},
        )


class Migration(migrations.Migration):
    dependencies = [("programme", "0002_recruitment_training_supervision")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
