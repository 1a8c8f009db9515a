from django.contrib import admin

from .models import Participant, Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "starts_on", "ends_on"]
    list_filter = ["site"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "kind", "status", "referral_channel", "site"]
    list_filter = ["site", "kind", "status", "referral_channel"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["site"]
