"""The evaluation's case records point at logbooks.Pair, the same table as before (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0004_nurse_visit_early_reason'),
        ('logbooks', '0003_pair_moves_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table, its columns, index and foreign keys stay as they are: only
            # Django's idea of which app owns them changes.
            state_operations=[
                migrations.AlterField(
                    model_name='caseconfiguration',
                    name='pair',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='configurations', to='logbooks.pair', verbose_name='case'),
                ),
                migrations.AlterField(
                    model_name='contextfactor',
                    name='pair',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contexts', to='logbooks.pair', verbose_name='case'),
                ),
                migrations.AlterField(
                    model_name='interview',
                    name='pair',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='interviews', to='logbooks.pair', verbose_name='case'),
                ),
                migrations.AlterField(
                    model_name='mechanism',
                    name='pair',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mechanisms', to='logbooks.pair', verbose_name='case'),
                ),
                migrations.AlterField(
                    model_name='outcome',
                    name='pair',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outcomes', to='logbooks.pair', verbose_name='case'),
                ),
            ],
            database_operations=[],
        ),
    ]
