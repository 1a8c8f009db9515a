from django.contrib.admin.apps import AdminConfig


class ToDAdminConfig(AdminConfig):
    """django.contrib.admin with ToD's admin site (tod.admin_site) as `admin.site`: every app's
    admin.py registers with it, and /admin/ serves it."""

    default_site = "tod.admin_site.ToDAdminSite"
