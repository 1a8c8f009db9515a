from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from ..admin_site import AccessLoggedAdmin
from .models import Site, User


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(AccessLoggedAdmin, DjangoUserAdmin):
    participant_paths = ("participant",)  # a supporter's login is their participant record
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "sites"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Programme"), {"fields": ("role", "sites", "language", "access_expires_on")}),
    )
    filter_horizontal = ("sites", "groups", "user_permissions")
