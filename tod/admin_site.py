"""The admin site is for superusers only, and logs what they read of participants.

The product's pages scope every record by site and role; the admin does not. An operator who
gave a manager or a nurse staff status would otherwise let them list and edit every site's
participants and logbooks. So the admin refuses everyone but an active superuser who passed the
second login step (django-otp), and the role groups hold no model permissions
(tod.accounts.roles.sync_role_groups). See docs/adr/0005-admin-for-superusers-only.md.

Reads of participant data in the admin go to the same access log as the product's pages
(tod.audit): each model admin names the paths from its model to the participants it shows
(`AccessLoggedAdmin.participant_paths`), and a change page or a change list writes one entry
per participant shown, in one INSERT. The audit app registers that writer
(`register_read_log`, in its AppConfig.ready), so this module imports no part of the platform
and every app's admin.py, accounts' included, can build on it.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_noop
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

# How the access log names a read in the admin: "admin site (participant)" (translated part by
# part by tod.audit.presentation.access_label).
ADMIN_READ = gettext_noop("admin site")

# Writes one access-log entry per participant read: (request=, participants=, what=) -> count.
ReadLog = Callable[..., int]
_read_log: list[ReadLog] = []


def register_read_log(record: ReadLog) -> None:
    """The access log's writer for reads in the admin (tod.audit registers it)."""
    _read_log[:] = [record]


def read_log() -> ReadLog:
    """The registered writer; without one the admin would read unlogged, so it refuses."""
    if not _read_log:
        raise ImproperlyConfigured("No access log registered for the admin: install tod.audit")
    return _read_log[0]


def _is_admin_user(user) -> bool:
    return bool(user.is_active and user.is_staff and user.is_superuser)


class SuperuserLoginForm(OTPAdminAuthenticationForm):
    """The admin's login form refuses staff who are not superusers, as the site does."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not _is_admin_user(user):
            raise self.get_invalid_login_error()


class ToDAdminSite(OTPAdminSite):
    site_header = "ToD"
    site_title = "ToD"
    login_form = SuperuserLoginForm

    def __init__(self, name: str = "admin") -> None:
        # OTPAdminSite names itself "otpadmin"; the URLs and templates say "admin".
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        """An active superuser (with staff status, as createsuperuser gives) verified by the
        second step. A role user with is_staff is refused: the admin does not scope by site."""
        return _is_admin_user(request.user) and super().has_permission(request)


class AccessLoggedAdmin(admin.ModelAdmin):
    """A model admin whose change page and change list write the participants shown to the
    access log. `participant_paths`: lookups from the model to the participants
    (settings.PARTICIPANT_MODEL)."""

    participant_paths: tuple[str, ...] = ()

    def _log_read(self, request: HttpRequest, pks, plural: bool) -> None:
        if not self.participant_paths or not pks:  # an empty list reads no one (and would
            return  # compile to no SQL at all: EmptyResultSet)
        rows = self.model._default_manager.filter(pk__in=pks)
        people = apps.get_model(settings.PARTICIPANT_MODEL)._default_manager
        participants = people.filter(
            functools.reduce(
                operator.or_, (Q(pk__in=rows.values(path)) for path in self.participant_paths)
            )
        )
        with translation.override(None):  # stored in English, translated when shown
            opts = self.model._meta
            name = str(opts.verbose_name_plural if plural else opts.verbose_name)
        read_log()(request=request, participants=participants, what=f"{ADMIN_READ} ({name})")

    def get_object(self, request: HttpRequest, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            self._log_read(request, [obj.pk], plural=False)
        return obj

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._log_read(request, [obj.pk for obj in changelist.result_list], plural=True)
        return response
