from django.db import migrations


def forwards(apps, schema_editor):
    from evaluation.codebook import codebook_ensure

    codebook_ensure(apps.get_model("evaluation", "Theme"), apps.get_model("evaluation", "CodeGroup"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
