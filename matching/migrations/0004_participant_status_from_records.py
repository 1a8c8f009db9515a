"""Participant.status was only ever set to referred, screened, consented, trained or withdrawn
(never active or completed, and a supporter's training could be missed). Derive every
participant's status from the records, by the same rules as `programme.status`, with the
historical models. Here rather than in programme because the rules read pairs too."""

from django.db import migrations
from django.db.models import OuterRef, Q


def refresh_statuses(apps, schema_editor):
    from programme.status import status_expression, statuses_refresh

    Participant = apps.get_model("programme", "Participant")
    Pair = apps.get_model("matching", "Pair")
    me = OuterRef("pk")
    mine = Pair.objects.filter(Q(peer=me) | Q(supporter=me))
    expression = status_expression(
        me,
        screenings=apps.get_model("programme", "Screening").objects.all(),
        consents=apps.get_model("programme", "Consent").objects.all(),
        attendances=apps.get_model("programme", "TrainingAttendance").objects.all(),
        withdrawals=apps.get_model("programme", "Withdrawal").objects.all(),
        pairs=[
            (mine.filter(status__in=["active", "paused"]), mine.filter(status="completed"))
        ],
    )
    statuses_refresh(Participant.objects.all(), expression)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_runs_account_for_every_waiting_peer"),
        ("programme", "0006_consent_screening_override_reason"),
    ]

    operations = [migrations.RunPython(refresh_statuses, migrations.RunPython.noop)]
