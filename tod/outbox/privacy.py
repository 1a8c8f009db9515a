"""Personal data of the outbox (tod/personal_data.py)."""

from tod.personal_data import personal_data

from .models import ContactPreference, Reminder

personal_data(
    Reminder,
    subjects=["recipient_participant", "recipient_user__participant"],
    free_text=["context", "last_error"],
    other=["key", "topic", "language", "provider_message_id", "provider_status"],
    site="site",
)
personal_data(ContactPreference, subjects=["user__participant"])
