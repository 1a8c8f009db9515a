"""The Django admin is for superusers only: it does not scope by site, so a role user given staff
status (as an operator may do) is refused, the role groups grant nothing, and a superuser's reads
of participants are written to the access log (tod/admin_site.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as ModelPermission
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from logbooks.models import Logbook, Meeting, MeetingStatus, Pair, PairStatus
from programme.models import Kind, Participant
from tests.conftest import PASSWORD, current_code, make_participant, make_user
from tod.accounts.models import Role
from tod.accounts.roles import ROLE_PERMISSIONS, sync_role_groups
from tod.audit.models import AccessEvent

ADMIN_PAGES = ["/admin/", "/admin/programme/participant/", "/admin/logbooks/logbook/"]


@pytest.fixture
def people(site, other_site):
    return [
        make_participant(site, Kind.PEER, first_name="Inge", last_name="Kristensen"),
        make_participant(other_site, Kind.PEER, first_name="Mette", last_name="Dahl"),
    ]


@pytest.fixture
def superuser(site):
    return make_user("root", "", [], is_staff=True, is_superuser=True)


@pytest.mark.parametrize("role", Role.values)
def test_a_role_user_with_staff_status_is_refused_everywhere_in_the_admin(
    client, site, people, role
):
    user = make_user(f"staff-{role}", role, [site], is_staff=True)
    client.force_login(user)  # with the second step passed, where the role has one
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    page = client.get("/admin/programme/participant/", follow=True).content.decode()
    assert "Kristensen" not in page and "Dahl" not in page
    change = reverse("admin:programme_participant_change", args=[people[0].pk])
    client.post(change, {"first_name": "Changed", "last_name": "Changed"})
    assert Participant.objects.filter(first_name="Changed").count() == 0
    assert not AccessEvent.objects.exists()


def test_the_admin_login_form_refuses_a_staff_user_who_is_not_a_superuser(client, site):
    """Right password and a right code from the authenticator: still not the admin's user."""
    manager = make_user("staff-manager", Role.MANAGER, [site], is_staff=True)
    device = TOTPDevice.objects.get(user=manager)
    response = client.post(
        reverse("admin:login"),
        {
            "username": "staff-manager",
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": current_code(manager),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_a_superuser_reads_every_site_and_each_read_is_logged(client, superuser, people):
    client.force_login(superuser)
    listing = client.get("/admin/programme/participant/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Kristensen" in page and "Dahl" in page
    listed = AccessEvent.objects.filter(actor=superuser, what="admin site (participants)")
    assert set(listed.values_list("participant_id", flat=True)) == {p.pk for p in people}

    inge = people[0]
    url = reverse("admin:programme_participant_change", args=[inge.pk])
    assert client.get(url).status_code == 200
    read = AccessEvent.objects.get(actor=superuser, what="admin site (participant)")
    assert read.participant == inge and read.path == url


def test_a_logbook_read_in_the_admin_is_logged_for_both_people_of_the_pair(
    client, superuser, site, programme_round, supporter
):
    peer = make_participant(site, Kind.PEER)
    pair = Pair.objects.create(
        site=site,
        round=programme_round,
        peer=peer,
        supporter=supporter.participant,
        status=PairStatus.ACTIVE,
    )
    meeting = Meeting.objects.create(
        pair=pair, planned_at=dt.datetime(2026, 2, 2, 10, tzinfo=dt.UTC), status=MeetingStatus.HELD
    )
    logbook = Logbook.objects.create(meeting=meeting, author=supporter)
    client.force_login(superuser)
    url = reverse("admin:logbooks_logbook_change", args=[logbook.pk])
    assert client.get(url).status_code == 200
    logged = AccessEvent.objects.filter(actor=superuser, what="admin site (logbook)")
    assert set(logged.values_list("participant_id", flat=True)) == {peer.pk, pair.supporter_id}


def test_role_groups_hold_no_model_permissions_after_migrate(db):
    """What `migrate` runs when it is done (post_migrate, every app's handlers): afterwards no
    group holds a model permission, so staff status alone opens nothing."""
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    groups = Group.objects.filter(name__in=[Role(r).label for r in ROLE_PERMISSIONS])
    assert groups.count() == len(ROLE_PERMISSIONS)
    assert not ModelPermission.objects.filter(group__isnull=False).exists()


def test_sync_takes_away_permissions_an_older_version_gave(site):
    manager = make_user("old-manager", Role.MANAGER, [site], is_staff=True)
    group = Group.objects.get(name=Role(Role.MANAGER).label)
    assert manager.groups.get() == group
    group.permissions.set(ModelPermission.objects.filter(content_type__app_label="programme"))
    sync_role_groups()
    assert not group.permissions.exists()
    manager = type(manager).objects.get(pk=manager.pk)  # no cached permissions
    assert manager.get_all_permissions() == set()


def test_every_admin_list_opens_for_a_superuser_and_names_real_participant_paths(
    client, superuser, people
):
    from django.contrib import admin

    from tod.admin_site import AccessLoggedAdmin, ToDAdminSite

    assert isinstance(admin.site._wrapped, ToDAdminSite)
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        if isinstance(model_admin, AccessLoggedAdmin):
            assert model_admin.participant_paths, model
