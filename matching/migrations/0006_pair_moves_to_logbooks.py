"""Pair now lives in logbooks (ADR 0009): matching forgets it without dropping the table, and
the model's content type moves with it."""

from django.db import migrations


def content_type_follows(apps, schema_editor):
    """Permissions and anything else keyed on the content type follow the model: the row of
    matching.pair becomes logbooks.pair (keeping its id). A logbooks.pair row made meanwhile
    (none is, unless migrate ran halfway) gives way to the old one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="matching", model="pair").first()
    if old is None:
        return  # a fresh database: post_migrate creates logbooks.pair
    ContentType.objects.filter(app_label="logbooks", model="pair").delete()
    old.app_label = "logbooks"
    old.save(update_fields=["app_label"])


def content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="logbooks", model="pair").update(app_label="matching")


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0005_cases_point_at_logbooks_pair'),
        ('logbooks', '0003_pair_moves_here'),
        ('matching', '0005_run_reports_void_locks'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table, its columns, index and foreign keys stay as they are: only
            # Django's idea of which app owns them changes.
            state_operations=[
                migrations.DeleteModel(
                    name='Pair',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_back),
    ]
