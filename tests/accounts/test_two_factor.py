"""Two-step login: required for managers, nurses, evaluators and the admin site; offered to
supporters. These tests use a plain Client: no shortcut past the second step."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, current_code, make_user
from tod.accounts.models import Role
from tod.accounts.roles import ROLE_HOME_URL_NAMES


def password_step(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("persona", ["manager", "nurse", "evaluator"])
def test_required_roles_cannot_open_anything_after_the_password_alone(request, persona):
    user = request.getfixturevalue(persona)
    client = Client()
    password_step(client, user)
    for url in (reverse("home"), reverse("account_security"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_verify"))
    response = client.get(reverse(ROLE_HOME_URL_NAMES[user.role]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_wrong_code_is_refused_with_a_message(manager):
    client = Client()
    password_step(client, manager)
    response = client.post(reverse("two_factor_verify"), {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get(reverse("programme:dashboard")).status_code == 302


def test_right_code_opens_the_dashboard_and_returns_to_next(manager):
    client = Client()
    password_step(client, manager)
    response = client.post(
        reverse("two_factor_verify") + "?next=/programme/",
        {"token": current_code(manager), "next": "/programme/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/programme/"
    assert client.get(reverse("programme:dashboard")).status_code == 200


def enrolment_link(mailoutbox) -> str:
    """The path of the enrolment link in the last mail."""
    match = re.search(r"https?://[^/\s]+(/accounts/two-step/setup/\S+/)", mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    return match[1]


def new_manager(site, username="new-manager"):
    # English, so the tests can read the messages the user sees
    user = make_user(username, Role.MANAGER, [site], email=f"{username}@example.org", language="en")
    TOTPDevice.objects.filter(user=user).delete()  # a brand-new account has no app yet
    return user


def test_the_password_alone_does_not_open_the_setup_page_but_mails_a_link(site, mailoutbox):
    user = new_manager(site)
    attacker = Client()
    password_step(attacker, user)
    response = attacker.get(reverse("programme:dashboard"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = attacker.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert b"<svg" not in page.content and "form" not in page.context
    assert "sent a link" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    # posting a code pairs nothing either: it only asks for the link again
    attacker.post(reverse("two_factor_setup"), {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert [mail.to for mail in mailoutbox] == [[user.email], [user.email]]
    assert "diabet" not in (mailoutbox[0].subject + mailoutbox[0].body).lower()
    assert "diabet" not in mailoutbox[0].from_email.lower()
    attacker.get(reverse("two_factor_setup"))  # another visit sends no further mail
    assert len(mailoutbox) == 2


def test_the_link_mails_stop_at_three_an_hour(site, mailoutbox):
    user = new_manager(site)
    client = Client()
    password_step(client, user)
    client.get(reverse("two_factor_setup"))
    for _ in range(5):
        page = client.post(reverse("two_factor_setup"))
    assert len(mailoutbox) == 3
    assert page.context["limited"]


def test_new_manager_sets_up_the_app_through_the_link_and_gets_backup_codes_that_work_once(
    site, mailoutbox
):
    user = new_manager(site)
    client = Client()
    password_step(client, user)
    client.get(reverse("two_factor_setup"))
    response = client.get(enrolment_link(mailoutbox))
    assert response["Location"] == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup"))
    assert b"<svg" in page.content
    assert "password" not in page.context["form"].fields  # the mailbox was the proof
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("two_factor_setup"), {"token": code})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("programme:dashboard")).status_code == 200

    other_device = Client()
    password_step(other_device, user)
    ok = other_device.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert ok.status_code == 302
    assert StaticToken.objects.filter(token=codes[0]).count() == 0  # used up
    again = Client()
    password_step(again, user)
    refused = again.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert refused.status_code == 200


def test_the_link_works_once(site, mailoutbox):
    user = new_manager(site)
    client = Client()
    password_step(client, user)
    client.get(reverse("two_factor_setup"))
    link = enrolment_link(mailoutbox)
    client.get(link)
    assert b"<svg" in client.get(reverse("two_factor_setup")).content

    second = Client()
    password_step(second, user)
    response = second.get(link, follow=True)
    assert "already been used" in response.content.decode()
    assert b"<svg" not in second.get(reverse("two_factor_setup")).content


def test_the_link_is_refused_to_another_account_and_when_forged(site, mailoutbox):
    owner = new_manager(site)
    other = new_manager(site, "other-new-manager")
    client = Client()
    password_step(client, owner)
    client.get(reverse("two_factor_setup"))
    link = enrolment_link(mailoutbox)
    intruder = Client()
    password_step(intruder, other)
    response = intruder.get(link, follow=True)
    assert "another account" in response.content.decode()
    assert b"<svg" not in intruder.get(reverse("two_factor_setup")).content
    forged = intruder.get(reverse("two_factor_enrol", args=["eyJ1IjoxfQ:forged:sig"]))
    assert forged.status_code == 302
    # the owner's link still works: the intruder used nothing up
    client.get(link)
    assert b"<svg" in client.get(reverse("two_factor_setup")).content


def test_the_link_expires_after_two_hours(site, mailoutbox):
    user = new_manager(site)
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as clock:
        client = Client()
        password_step(client, user)
        client.get(reverse("two_factor_setup"))
        link = enrolment_link(mailoutbox)
        clock.shift(2 * 3600 + 60)
        client = Client()
        password_step(client, user)
        response = client.get(link, follow=True)
    assert "expired" in response.content.decode()


def test_turning_two_step_login_on_ends_the_sessions_opened_before(site, mailoutbox):
    user = new_manager(site)
    earlier = Client()
    password_step(earlier, user)  # e.g. an attacker who has the password
    client = Client()
    password_step(client, user)
    client.get(reverse("two_factor_setup"))
    client.get(enrolment_link(mailoutbox))
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("two_factor_setup"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("programme:dashboard")).status_code == 200
    response = earlier.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_setup_refuses_a_wrong_code(site, mailoutbox):
    user = new_manager(site, "another-manager")
    client = Client()
    password_step(client, user)
    client.get(reverse("two_factor_setup"))
    client.get(enrolment_link(mailoutbox))
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"token": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_supporter_sets_it_up_voluntarily_after_typing_the_password_again(supporter):
    client = Client()
    password_step(client, supporter)
    page = client.get(reverse("two_factor_setup"))
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=supporter, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    refused = client.post(reverse("two_factor_setup"), {"token": code, "password": "wrong"})
    assert refused.context["form"].errors["password"]
    assert not TOTPDevice.objects.filter(user=supporter, confirmed=True).exists()
    done = client.post(reverse("two_factor_setup"), {"token": code, "password": PASSWORD})
    assert len(done.context["codes"]) == 10
    assert TOTPDevice.objects.filter(user=supporter, confirmed=True).exists()


def test_supporter_may_work_without_two_step_login(supporter):
    client = Client()
    password_step(client, supporter)
    assert client.get(reverse("programme:supporter_home")).status_code == 200


def test_supporter_who_set_it_up_must_use_it(supporter):
    TOTPDevice.objects.create(user=supporter, name="app", confirmed=True)
    client = Client()
    password_step(client, supporter)
    response = client.get(reverse("programme:supporter_home"))
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_manager_cannot_turn_two_step_login_off(client, manager):
    client.force_login(manager)
    client.post(reverse("two_factor_disable"))
    assert TOTPDevice.objects.filter(user=manager).exists()


def test_admin_site_requires_the_second_step(site):
    admin = make_user("admin", "", [site], is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client = Client()
    password_step(client, admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    client.post(reverse("two_factor_verify"), {"token": current_code(admin)})
    assert client.get("/admin/").status_code == 200


def test_the_authenticator_app_shows_a_neutral_name_not_the_diagnosis(supporter, monkeypatch):
    """The phone shows the issuer beside the code; like the reminders, it does not tell that
    its owner takes part in a diabetes programme."""
    from tod.accounts import two_factor

    encoded = []
    real = two_factor._qr_svg
    monkeypatch.setattr(two_factor, "_qr_svg", lambda uri: encoded.append(uri) or real(uri))
    client = Client()
    password_step(client, supporter)
    assert b"<svg" in client.get(reverse("two_factor_setup")).content
    (uri,) = encoded
    assert uri.startswith("otpauth://totp/ToD%3A") and "issuer=ToD&" in uri
    assert "diabet" not in uri.lower()
