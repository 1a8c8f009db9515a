"""The calendar feed's secret address works without a session, so it ends with the credentials:
"log out on all devices", a password change and a password reset each give a new one."""

import re

from django.test import Client
from django.urls import reverse

from logbooks.services import calendar_feed_for
from tests.conftest import PASSWORD, log_in

NEW_PASSWORD = "another-long-password-7"


def feed_url(user) -> str:
    return reverse("logbooks:calendar_feed", args=[calendar_feed_for(user).token])


def test_log_out_on_all_devices_gives_the_calendar_a_new_address(supporter):
    old = feed_url(supporter)
    assert Client().get(old).status_code == 200
    browser = Client()
    log_in(browser, supporter)
    browser.post(reverse("end_all_sessions"))
    assert Client().get(old).status_code == 404
    new = feed_url(supporter)
    assert new != old and Client().get(new).status_code == 200


def test_a_password_change_gives_the_calendar_a_new_address(supporter):
    old = feed_url(supporter)
    browser = Client()
    log_in(browser, supporter)
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert Client().get(old).status_code == 404
    assert Client().get(feed_url(supporter)).status_code == 200


def test_a_password_reset_gives_the_calendar_a_new_address(supporter, mailoutbox):
    supporter.email = "hanne@example.org"
    supporter.save(update_fields=["email"])
    old = feed_url(supporter)
    browser = Client()
    browser.post(reverse("password_reset"), {"email": "hanne@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mailoutbox[0].body)[1]
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200
    response = browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert Client().get(old).status_code == 404
    assert Client().get(feed_url(supporter)).status_code == 200


def test_a_user_without_a_feed_gets_none_from_logging_out_everywhere(manager):
    from logbooks.models import CalendarFeed

    browser = Client()
    log_in(browser, manager)
    browser.post(reverse("end_all_sessions"))
    assert not CalendarFeed.objects.filter(user=manager).exists()
