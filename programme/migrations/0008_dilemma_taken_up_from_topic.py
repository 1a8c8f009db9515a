import django.db.models.deletion
from django.db import migrations, models


def link_taken_up_topics(apps, schema_editor):
    """A topic taken up at a session became a dilemma there with the same words: link them."""
    SuggestedTopic = apps.get_model("programme", "SuggestedTopic")
    Dilemma = apps.get_model("programme", "Dilemma")
    for topic in SuggestedTopic.objects.filter(session__isnull=False).order_by("pk"):
        dilemma = (
            Dilemma.objects.filter(session_id=topic.session_id, text=topic.text, topic=None)
            .order_by("pk")
            .first()
        )
        if dilemma is not None:
            Dilemma.objects.filter(pk=dilemma.pk).update(topic=topic)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0007_suggested_topic_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="dilemma",
            name="topic",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="dilemmas",
                to="programme.suggestedtopic",
                verbose_name="taken up from topic",
            ),
        ),
        migrations.RunPython(link_taken_up_topics, migrations.RunPython.noop),
    ]
