"""Personal data of the outbox (tod/personal_data.py)."""

from tod.personal_data import personal_data

from .models import ContactPreference, Reminder

personal_data(
    Reminder,
    subjects=["recipient_participant", "recipient_user__participant"],
    # A provider's delivery reason may quote the number it tried (GatewayAPI does): scrubbed too.
    free_text=["context", "last_error", "provider_status"],
    other=["key", "topic", "language", "provider_message_id"],
    site="site",
)
personal_data(ContactPreference, subjects=["user__participant"])
