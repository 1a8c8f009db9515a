from django.contrib import admin

from .models import Pair


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    list_display = ["peer", "supporter", "status", "started_on", "site"]
    list_filter = ["site", "status"]
    list_select_related = ["peer", "supporter", "site"]
    raw_id_fields = ["peer", "supporter"]
