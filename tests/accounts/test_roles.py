import pytest
from django.urls import reverse

from tests.conftest import log_in
from tod.accounts.roles import ROLE_HOME_URL_NAMES

ROLE_FIXTURES = ["manager", "supporter", "nurse", "supervisor", "evaluator"]


@pytest.mark.parametrize("persona", ROLE_FIXTURES)
def test_login_lands_each_role_on_its_own_dashboard(client, request, persona):
    user = request.getfixturevalue(persona)
    log_in(client, user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(ROLE_HOME_URL_NAMES[user.role])


@pytest.mark.parametrize("url_name", sorted(set(ROLE_HOME_URL_NAMES.values())))
def test_anonymous_is_sent_to_login(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize("persona", ROLE_FIXTURES)
def test_a_role_cannot_open_another_roles_dashboard(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    own = ROLE_HOME_URL_NAMES[user.role]
    for url_name in set(ROLE_HOME_URL_NAMES.values()) - {own}:
        if url_name == "evaluation:dashboard" and persona == "manager":
            continue  # the manager reads the evaluation too
        assert client.get(reverse(url_name)).status_code == 403, url_name
    assert client.get(reverse(own)).status_code == 200


def test_menu_shows_only_the_roles_entries(client, supporter):
    client.force_login(supporter)
    page = client.get(reverse("programme:supporter_home")).content.decode()
    assert reverse("programme:supporter_home") in page
    assert reverse("programme:dashboard") + '"' not in page
    assert reverse("evaluation:dashboard") not in page


def test_user_without_role_is_told_so(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 403


def test_password_reset_sends_an_email(client, manager, mailoutbox):
    manager.email = "maria@example.org"
    manager.save()
    response = client.post(reverse("password_reset"), {"email": "maria@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_language_choice_is_remembered_for_the_user(client, manager):
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    manager.refresh_from_db()
    assert manager.language == "en"
    client.logout()
    client.cookies.clear()
    log_in(client, manager)
    page = client.get(reverse("programme:dashboard"))
    assert 'lang="en"' in page.content.decode()


def test_danish_is_the_default_language(client, manager):
    client.force_login(manager)
    page = client.get(reverse("programme:dashboard")).content.decode()
    assert 'lang="da"' in page
    assert "Log ud" in page
