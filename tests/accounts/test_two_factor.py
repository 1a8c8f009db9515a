"""Two-step login: required for managers, nurses, evaluators and the admin site; offered to
supporters. These tests use a plain Client: no shortcut past the second step."""

import pytest
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


def test_new_manager_sets_up_the_app_and_gets_backup_codes_that_work_once(site):
    user = make_user("new-manager", Role.MANAGER, [site])
    TOTPDevice.objects.filter(user=user).delete()  # a brand-new account has no app yet
    client = Client()
    password_step(client, user)
    response = client.get(reverse("programme:dashboard"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(reverse("two_factor_setup"))
    assert b"<svg" in page.content
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


def test_setup_refuses_a_wrong_code(site):
    user = make_user("another-manager", Role.MANAGER, [site])
    TOTPDevice.objects.filter(user=user).delete()
    client = Client()
    password_step(client, user)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"token": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


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
