"""A case is the peer's course across substitute supporters, named by its first pair: records
kept on a pair that continued a case (outcomes, contexts, mechanisms, ICAMO configurations,
interviews) move to the case's first pair. An outcome of a kind the first pair has already
gives its configurations and evidence to that outcome, its description appended."""

from django.db import migrations


def move_to_first_pair(apps, schema_editor):
    Pair = apps.get_model("logbooks", "Pair")
    Outcome = apps.get_model("evaluation", "Outcome")
    CaseConfiguration = apps.get_model("evaluation", "CaseConfiguration")
    Evidence = apps.get_model("evaluation", "Evidence")
    root_of = dict(
        Pair.objects.filter(root_pair__isnull=False).values_list("pk", "root_pair_id")
    )
    if not root_of:
        return
    for name in ("ContextFactor", "Mechanism", "CaseConfiguration", "Interview"):
        model = apps.get_model("evaluation", name)
        for pair_id, root_id in root_of.items():
            model.objects.filter(pair_id=pair_id).update(pair_id=root_id)
    for outcome in Outcome.objects.filter(pair_id__in=root_of).order_by("id"):
        root_id = root_of[outcome.pair_id]
        kept = Outcome.objects.filter(pair_id=root_id, kind=outcome.kind).first()
        if kept is None:
            outcome.pair_id = root_id
            outcome.save(update_fields=["pair"])
            continue
        CaseConfiguration.objects.filter(outcome=outcome).update(outcome=kept)
        Evidence.objects.filter(outcome=outcome).update(outcome=kept)
        if outcome.description:
            kept.description = "\n\n".join(d for d in (kept.description, outcome.description) if d)
            kept.save(update_fields=["description"])
        outcome.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0006_observation_linked_to_its_event"),
        ("logbooks", "0005_pair_root_of_case"),
    ]

    operations = [migrations.RunPython(move_to_first_pair, migrations.RunPython.noop)]
