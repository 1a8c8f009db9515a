"""Accounts made in the app: the manager invites, the invitee chooses a password through a
single-use link that expires, and the manager resends, revokes, deactivates, reactivates and
ends access; every step in the audit trail (docs/accounts.md, docs/adr/0012)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.invitations import token_in
from tests.conftest import PASSWORD, make_user
from tod.accounts.models import Invitation, Role, User
from tod.audit.models import AuditEvent

NOW = timezone.make_aware(dt.datetime(2026, 5, 4, 10, 0))
NEW_PASSWORD = "kaffe-i-faelledparken-42"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def invite(client, site, **fields):
    data = {
        "first_name": "Nina",
        "last_name": "Berg",
        "role": Role.NURSE,
        "channel": "email",
        "email": "nina@example.org",
        "language": "da",
        **fields,
    }
    return client.post(reverse("accounts:invite", args=[site.pk]), data)


def accept(token, password=NEW_PASSWORD, client=None):
    client = client or Client()
    url = reverse("accounts:invitation_accept", args=[token])
    return client, client.post(url, {"new_password1": password, "new_password2": password})


def test_an_invited_nurse_chooses_a_password_and_goes_on_to_two_step_setup(
    client, manager, site, mailoutbox, clock
):
    client.force_login(manager)
    response = invite(client, site)
    assert response.status_code == 302
    nina = User.objects.get(first_name="Nina")
    assert (nina.username, nina.role, list(nina.sites.all())) == ("nina", Role.NURSE, [site])
    assert not nina.has_usable_password()
    (mail,) = mailoutbox
    assert mail.to == ["nina@example.org"]
    assert "nina" in mail.body and "72" in mail.body
    assert "diabet" not in mail.body.lower()
    token = token_in(mail.body)
    # Only a hash of the token is stored.
    assert not Invitation.objects.filter(token_hash__contains=token).exists()

    page = Client().get(reverse("accounts:invitation_accept", args=[token]))
    assert page.status_code == 200 and "nina" in page.text
    browser, response = accept(token)
    assert response["Location"] == reverse("two_factor_setup")
    setup = browser.get(reverse("two_factor_setup"))
    assert "otpauth" in setup.text or "svg" in setup.text  # the setup page, not the mail page
    nina.refresh_from_db()
    assert nina.check_password(NEW_PASSWORD)
    # And the password logs in.
    fresh = Client()
    login = fresh.post(reverse("login"), {"username": "nina", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_the_link_works_once(client, manager, site, mailoutbox, clock):
    client.force_login(manager)
    invite(client, site)
    token = token_in(mailoutbox[0].body)
    accept(token)
    _, again = accept(token, password="another-long-password-9")
    assert again.status_code == 410
    assert User.objects.get(username="nina").check_password(NEW_PASSWORD)


def test_the_link_expires_after_72_hours(client, manager, site, mailoutbox, clock):
    client.force_login(manager)
    invite(client, site)
    token = token_in(mailoutbox[0].body)
    url = reverse("accounts:invitation_accept", args=[token])
    clock.move_to(NOW + dt.timedelta(hours=71, minutes=59))
    assert Client().get(url).status_code == 200
    clock.move_to(NOW + dt.timedelta(hours=72, minutes=1))
    assert Client().get(url).status_code == 410
    _, response = accept(token)
    assert response.status_code == 410
    assert not User.objects.get(username="nina").has_usable_password()


def test_resending_makes_the_old_link_stop_working(client, manager, site, mailoutbox, clock):
    client.force_login(manager)
    invite(client, site)
    old = token_in(mailoutbox[0].body)
    invitation = Invitation.objects.get()
    client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    new = token_in(mailoutbox[1].body)
    assert new != old
    _, response = accept(old)
    assert response.status_code == 410
    _, response = accept(new)
    assert response.status_code == 302
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 1


def test_a_revoked_link_stops_working(client, manager, site, mailoutbox, clock):
    client.force_login(manager)
    invite(client, site)
    token = token_in(mailoutbox[0].body)
    client.post(reverse("accounts:invitation_revoke", args=[Invitation.objects.get().pk]))
    _, response = accept(token)
    assert response.status_code == 410
    page = client.get(reverse("accounts:site_accounts", args=[site.pk]))
    assert "revoked" in page.text or "tilbagekaldt" in page.text


def test_a_weak_password_is_refused_and_the_link_still_works(
    client, manager, site, mailoutbox, clock
):
    client.force_login(manager)
    invite(client, site)
    token = token_in(mailoutbox[0].body)
    _, response = accept(token, password="12345678")
    assert response.status_code == 200  # the form again, with Django's validators' messages
    assert not User.objects.get(username="nina").has_usable_password()
    _, response = accept(token)
    assert response.status_code == 302


def test_a_repeated_invitation_post_makes_one_account(client, manager, site, mailoutbox, clock):
    client.force_login(manager)
    page = client.get(reverse("accounts:invite", args=[site.pk]))
    token = page.context["request"].POST.get("submission_token")  # none on a GET
    assert token is None
    from tod.once.guard import TOKEN_FIELD

    submission = page.text.split(f'name="{TOKEN_FIELD}" value="')[1].split('"')[0]
    for _ in range(2):
        invite(client, site, **{TOKEN_FIELD: submission})
    assert User.objects.filter(first_name="Nina").count() == 1
    assert len(mailoutbox) == 1


def test_deactivating_ends_open_sessions_and_blocks_login(client, manager, supporter, site):
    theirs = Client()
    theirs.post(reverse("login"), {"username": "supporter", "password": PASSWORD})
    home = reverse("programme:supporter_home")
    assert theirs.get(home).status_code == 200
    client.force_login(manager)
    client.post(reverse("accounts:deactivate", args=[supporter.pk]))
    assert theirs.get(home)["Location"].startswith(reverse("login"))
    again = Client().post(reverse("login"), {"username": "supporter", "password": PASSWORD})
    assert again.status_code == 200  # the login form again: refused

    client.post(reverse("accounts:reactivate", args=[supporter.pk]))
    back = Client()
    response = back.post(reverse("login"), {"username": "supporter", "password": PASSWORD})
    assert response.status_code == 302
    assert back.get(home).status_code == 200


def test_access_ends_after_the_expiry_date_at_login_and_in_open_sessions(
    client, manager, supporter, clock
):
    client.force_login(manager)
    client.post(
        reverse("accounts:access_expiry", args=[supporter.pk]),
        {"access_expires_on": "2026-05-04"},
    )
    supporter.refresh_from_db()
    assert supporter.access_expires_on == dt.date(2026, 5, 4)
    theirs = Client()
    theirs.post(reverse("login"), {"username": "supporter", "password": PASSWORD})
    home = reverse("programme:supporter_home")
    assert theirs.get(home).status_code == 200  # the last day still works
    clock.move_to(timezone.make_aware(dt.datetime(2026, 5, 5, 0, 1)))
    assert theirs.get(home)["Location"].startswith(reverse("login"))
    refused = Client().post(reverse("login"), {"username": "supporter", "password": PASSWORD})
    assert refused.status_code == 200
    client.force_login(manager)  # the manager's own session timed out overnight
    page = client.get(reverse("accounts:site_accounts", args=[supporter.sites.get().pk]))
    assert "Genaktivér" in page.text or "Reactivate" in page.text
    client.post(reverse("accounts:reactivate", args=[supporter.pk]))
    supporter.refresh_from_db()
    assert supporter.access_expires_on is None
    ok = Client().post(reverse("login"), {"username": "supporter", "password": PASSWORD})
    assert ok.status_code == 302


def test_a_manager_acts_only_in_their_own_sites(
    client, manager, other_manager, supporter, site, other_site, mailoutbox, clock
):
    client.force_login(manager)
    invite(client, site)
    invitation = Invitation.objects.get()
    outsider = Client()
    outsider.force_login(other_manager)
    from tests.conftest import VerifiedClient

    outsider = VerifiedClient()
    outsider.force_login(other_manager)
    assert outsider.get(reverse("accounts:site_accounts", args=[site.pk])).status_code == 404
    assert invite(outsider, site).status_code == 404
    for name, pk in (
        ("accounts:invitation_resend", invitation.pk),
        ("accounts:invitation_revoke", invitation.pk),
        ("accounts:deactivate", supporter.pk),
        ("accounts:reactivate", supporter.pk),
        ("accounts:access_expiry", supporter.pk),
    ):
        assert outsider.post(reverse(name, args=[pk])).status_code == 404, name
    supporter.refresh_from_db()
    assert supporter.is_active and len(mailoutbox) == 1
    # An account that also works in a site the manager does not: 403, unchanged.
    both = make_user("both", Role.NURSE, [site, other_site])
    assert client.post(reverse("accounts:deactivate", args=[both.pk])).status_code == 403
    assert User.objects.get(pk=both.pk).is_active
    # Nor their own account.
    assert client.post(reverse("accounts:deactivate", args=[manager.pk])).status_code == 404


def test_a_manager_may_invite_a_manager_into_their_own_site_never_a_superuser(
    client, manager, site, mailoutbox, clock
):
    client.force_login(manager)
    invite(client, site, role=Role.MANAGER, first_name="Mads", is_superuser="on", is_staff="on")
    mads = User.objects.get(first_name="Mads")
    assert mads.role == Role.MANAGER and not mads.is_superuser and not mads.is_staff
    assert list(mads.sites.all()) == [site]
    response = invite(client, site, role=Role.SUPPORTER, first_name="Sus")
    assert response.status_code == 200
    assert not User.objects.filter(first_name="Sus").exists()


def test_every_step_is_in_the_audit_trail_without_the_password(
    client, manager, site, mailoutbox, clock
):
    client.force_login(manager)
    invite(client, site)
    nina = User.objects.get(username="nina")
    invitation = Invitation.objects.get()
    accept(token_in(mailoutbox[0].body))
    client.post(reverse("accounts:deactivate", args=[nina.pk]))
    client.post(reverse("accounts:reactivate", args=[nina.pk]))
    users = AuditEvent.objects.filter(table_name="accounts_user", row_id=str(nina.pk))
    invitations = AuditEvent.objects.filter(
        table_name="accounts_invitation", row_id=str(invitation.pk)
    )
    assert users.filter(action="I", actor_id=manager.pk).exists()  # made by the manager
    assert invitations.filter(action="I", actor_id=manager.pk).exists()  # sent
    accepted = [e for e in invitations if (e.new or {}).get("accepted_at")]
    assert accepted and accepted[0].actor_id == nina.pk  # accepted by the invitee
    changes = [e.changed_fields().get("is_active") for e in users.filter(action="U")]
    assert (True, False) in changes and (False, True) in changes
    assert all(e.actor_id == manager.pk for e in users.filter(action="U"))
    for event in AuditEvent.objects.filter(table_name__in=["accounts_user", "accounts_invitation"]):
        for row in (event.old or {}, event.new or {}):
            assert not {"password", "session_salt", "token_hash", "last_login"} & set(row)


def test_the_accounts_page_lists_role_state_last_login_and_invitations(
    client, manager, supporter, site, mailoutbox, clock
):
    client.force_login(manager)
    invite(client, site)
    supporter.last_login = NOW - dt.timedelta(days=1)
    supporter.save(update_fields=["last_login"])
    page = client.get(reverse("accounts:site_accounts", args=[site.pk])).text
    assert "nina@example.org" in page  # the pending invitation
    assert "03.05.2026" in page or "03/05/2026" in page  # the supporter's last login
    assert reverse("accounts:invitation_resend", args=[Invitation.objects.get().pk]) in page
    assert client.get(reverse("accounts:index"))["Location"] == reverse(
        "accounts:site_accounts", args=[site.pk]
    )


def test_the_access_date_saved_unchanged_from_the_page_changes_nothing(
    client, manager, supporter, site, clock
):
    supporter.access_expires_on = dt.date(2026, 12, 31)
    supporter.save(update_fields=["access_expires_on"])
    client.force_login(manager)
    page = client.get(reverse("accounts:site_accounts", args=[site.pk])).text
    shown = page.split(f'id="expiry-{supporter.pk}" name="access_expires_on" value="')[1][:10]
    assert shown == "2026-12-31"
    before = AuditEvent.objects.count()
    client.post(
        reverse("accounts:access_expiry", args=[supporter.pk]), {"access_expires_on": shown}
    )
    supporter.refresh_from_db()
    assert supporter.access_expires_on == dt.date(2026, 12, 31)
    assert AuditEvent.objects.count() == before
    client.post(reverse("accounts:access_expiry", args=[supporter.pk]), {"access_expires_on": "x"})
    supporter.refresh_from_db()
    assert supporter.access_expires_on == dt.date(2026, 12, 31)


def test_an_sms_invitation_needs_a_valid_mobile_number(client, manager, site, clock):
    client.force_login(manager)
    response = invite(client, site, channel="sms", email="", phone="12")
    assert response.status_code == 200
    assert not User.objects.filter(first_name="Nina").exists()
    response = invite(client, site, channel="sms", email="", phone="20 30 40 50")
    assert response.status_code == 302
    assert Invitation.objects.get().address == "+4520304050"
