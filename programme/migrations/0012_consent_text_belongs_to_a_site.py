import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_site_retention_days"),
        ("programme", "0011_consent_texts_per_site"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consenttext",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="consent_texts",
                to="accounts.site",
                verbose_name="site",
            ),
        ),
    ]
