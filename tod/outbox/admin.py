from django.contrib import admin

from ..admin_site import AccessLoggedAdmin
from .models import ContactPreference, Reminder


@admin.register(Reminder)
class ReminderAdmin(AccessLoggedAdmin):
    participant_paths = ("recipient_participant",)
    list_display = ["key", "kind", "channel", "status", "due_at", "sent_at", "attempts"]
    list_filter = ["status", "kind", "channel", "site"]
    search_fields = ["key", "topic"]
    raw_id_fields = ["recipient_user", "recipient_participant"]
    readonly_fields = ["created_at", "updated_at", "sent_at", "attempts", "last_error"]


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms"]
    raw_id_fields = ["user"]
