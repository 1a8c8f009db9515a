from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from .models import AuditEvent

# Columns through which a row belongs to a participant.
PARTICIPANT_COLUMNS = ("participant_id", "peer_id", "supporter_id")


def changes_for_participant(participant: Model) -> QuerySet[AuditEvent]:
    """The changes to a participant's own row and to every row that points at them."""
    own = Q(table_name=participant._meta.db_table, row_id=str(participant.pk))
    related = Q()
    for column in PARTICIPANT_COLUMNS:
        related |= Q(**{f"new__{column}": participant.pk}) | Q(**{f"old__{column}": participant.pk})
    return AuditEvent.objects.filter(own | related).order_by("-at", "-id")
