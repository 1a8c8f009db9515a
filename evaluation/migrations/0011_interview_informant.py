"""An interview names its interviewee (the peer, or whichever supporter of the case). The
interviews recorded before named them by type only: the case's peer, or its supporter, which
then meant the supporter of the case's first pair (the only one the old model could name)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def name_the_informants(apps, schema_editor):
    Interview = apps.get_model("evaluation", "Interview")
    Pair = apps.get_model("logbooks", "Pair")
    for informant_type, field in (("peer", "peer_id"), ("supporter", "supporter_id")):
        Interview.objects.filter(pair__isnull=False, informant_type=informant_type).update(
            informant_id=Subquery(Pair.objects.filter(pk=OuterRef("pair_id")).values(field)[:1])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0010_meaning_unit_of_a_logbook"),
        ("logbooks", "0005_pair_root_of_case"),
        ("programme", "0015_consent_purposes_for_research"),
    ]

    operations = [
        migrations.AddField(
            model_name="interview",
            name="informant",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="programme.participant",
                verbose_name="interviewee",
            ),
        ),
        migrations.RunPython(name_the_informants, migrations.RunPython.noop),
    ]
