import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import log_in
from tod.accounts.roles import ROLE_HOME_URL_NAMES, Role

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


def menu_urls(client, url_name: str) -> list[str]:
    return [item.url for item in client.get(reverse(url_name)).context["menu"]]


def test_each_role_keeps_its_own_menu_in_the_same_process(client, manager, supporter):
    """The menu is built once per role and language: a supporter's request after a manager's
    (and the other way round) still gets the supporter's menu."""
    for _ in range(2):
        client.force_login(manager)
        assert reverse("programme:participant_list") in menu_urls(client, "programme:dashboard")
        client.force_login(supporter)
        urls = menu_urls(client, "programme:supporter_home")
        assert reverse("programme:supporter_home") in urls
        assert reverse("programme:participant_list") not in urls


def test_the_menu_follows_the_language_and_a_change_of_role(client, manager):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("programme:dashboard"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    danish = client.get(reverse("programme:dashboard"))
    assert "Recruitment" in [item.label for item in english.context["menu"]]
    assert "Rekruttering" in [item.label for item in danish.context["menu"]]
    manager.role = Role.NURSE
    manager.save()
    urls = menu_urls(client, "evaluation:nurse_home")
    assert reverse("evaluation:nurse_home") in urls
    assert reverse("programme:participant_list") not in urls


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
