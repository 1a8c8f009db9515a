"""The page chrome (the menu, the language switcher, the list headers) as a person gets it, one
request after another in one process: another role's menu, another page's active entry, the
other language, another user's name or CSRF token would each fail one of these tests."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertInHTML

from tests.conftest import VerifiedClient
from tod.accounts.models import Role
from tod.accounts.services import user_create


def main_menu(html: str) -> str:
    match = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def active_entry(html: str) -> str:
    match = re.search(
        r'<a class="nav-link active" aria-current="page" href="([^"]+)"', main_menu(html)
    )
    return match.group(1) if match else ""


def logout_form(html: str) -> str:
    return re.search(r'<form method="post" action="/[^"]*logout/".*?</form>', html, re.S).group(0)


def test_each_role_gets_its_own_rendered_menu_after_another_roles_page(client, manager, supporter):
    participants = reverse("programme:participant_list")
    for _ in range(2):
        client.force_login(manager)
        assert f'href="{participants}"' in main_menu(client.get(participants).text)
        client.force_login(supporter)
        supporter_menu = main_menu(client.get(reverse("programme:supporter_home")).text)
        assert f'href="{participants}"' not in supporter_menu
        assert f'href="{reverse("programme:supporter_home")}"' in supporter_menu


def test_the_active_entry_follows_the_page(client, manager):
    client.force_login(manager)
    dashboard, participants = reverse("programme:dashboard"), reverse("programme:participant_list")
    assert active_entry(client.get(dashboard).text) == dashboard
    assert active_entry(client.get(participants).text) == participants
    assert active_entry(client.get(dashboard).text) == dashboard
    # A page that is no menu entry marks none.
    assert active_entry(client.get(reverse("programme:participant_create")).text) == ""


def test_the_chrome_follows_the_language(client, manager):
    client.force_login(manager)
    url = reverse("programme:participant_list")
    for language, menu_label, column, switch in [
        ("en", "Recruitment", "Registered", "Change"),
        ("da", "Rekruttering", "Registreret", "Skift"),
        ("en", "Recruitment", "Registered", "Change"),
    ]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with translation.override(language):
            html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
        assert f'<html lang="{language}">' in html
        assert menu_label in main_menu(html)
        assert f'<th scope="col">{column}</th>' in html
        assert f">{switch}</button>" in html


@pytest.mark.parametrize("persona", ["manager", "other_manager"])
def test_each_user_logs_out_as_themself_with_their_own_token(client, request, manager, persona):
    """The log-out form carries this user's name and this session's CSRF token, and the
    language switcher returns to this request's page."""
    client.force_login(manager)
    client.get(reverse("programme:participant_list"))  # another user's page first
    user = request.getfixturevalue(persona)
    own = VerifiedClient(enforce_csrf_checks=True)
    own.force_login(user)
    page = reverse("programme:participant_list") + "?status=screened"
    html = own.get(page).text
    form = logout_form(html)
    assert f"Log ud {user.username}" in form or f"Log out {user.username}" in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert f'name="next" type="hidden" value="{page}"' in html
    response = own.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert own.get(reverse("programme:participant_list")).status_code == 302  # signed out


def test_a_signed_out_page_shows_no_menu_after_a_signed_in_one(client, manager):
    client.force_login(manager)
    client.get(reverse("programme:dashboard"))
    html = Client().get(reverse("login")).text
    assert 'id="main-menu"' not in html
    assert "navbar-brand" in html


def test_a_new_role_menu_is_rendered_for_it(client, site):
    """A nurse gets the nurse's entries."""
    nurse = user_create(username="nurse-2", role=Role.NURSE, sites=[site], password="x" * 20)
    client.force_login(nurse)
    menu = main_menu(client.get(reverse("evaluation:nurse_home")).text)
    assert reverse("evaluation:nurse_home") in menu
    assert reverse("programme:participant_list") not in menu


def test_the_participant_filters_show_the_choice_made_and_none_unfiltered(client, manager):
    """A filter chosen shows as chosen, and the next unfiltered page shows none chosen again."""
    client.force_login(manager)
    url = reverse("programme:participant_list")
    chosen = '<option value="screened" selected>'
    for query, expected in [("", False), ("?status=screened", True), ("", False)]:
        html = client.get(url + query).text
        assert '<select name="status" id="id_status">' in html
        assertInHTML('<input type="text" name="q" id="id_q" maxlength="100">', html)
        assert (chosen in html) is expected
