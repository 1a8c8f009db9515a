"""A pair names the first pair of its case (`root_pair`), so that a case across substitute
supporters is one filter; the pairs that continue a case get it from their previous_pair chain."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def name_the_case_roots(apps, schema_editor):
    Pair = apps.get_model("logbooks", "Pair")
    previous = dict(
        Pair.objects.filter(previous_pair__isnull=False).values_list("pk", "previous_pair_id")
    )
    for pk in previous:
        root, seen = previous[pk], {pk}
        while root in previous and root not in seen:  # a chain is short; a loop is not a chain
            seen.add(root)
            root = previous[root]
        Pair.objects.filter(pk=pk).update(root_pair_id=root)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_site_retention_days'),
        ('logbooks', '0004_logbook_entered_by'),
        ('matching', '0006_pair_moves_to_logbooks'),
        ('programme', '0009_suggested_topic_supporter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='pair',
            name='root_pair',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='case_successors', to='logbooks.pair', verbose_name='first pair of the case'),
        ),
        migrations.RunPython(name_the_case_roots, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='pair',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('previous_pair__isnull', True), ('root_pair__isnull', True)), models.Q(('previous_pair__isnull', False), ('root_pair__isnull', False)), _connector='OR'), name='pair_root_with_previous'),
        ),
    ]
