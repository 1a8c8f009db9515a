"""The public interest form: no login, and it withstands abuse."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from programme.models import Kind, Participant, ReferralChannel, Status


@pytest.fixture
def form_url(site, programme_round):
    return reverse("programme:interest", args=[site.slug])


def valid(**overrides):
    data = {
        "kind": Kind.SUPPORTER,
        "first_name": "Anne",
        "last_name": "Rasmussen",
        "date_of_birth": "1968-08-21",
        "sex": "female",
        "phone": "20 12 34 56",
        "email": "",
        "postcode": "2000",
        "message": "I have lived with diabetes for ten years.",
        "contact_consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_can_open_the_form(client, form_url):
    response = client.get(form_url)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_single_site_skips_the_site_choice(client, site):
    response = client.get(reverse("programme:interest_sites"))
    assert response.status_code == 302
    assert response["Location"] == reverse("programme:interest", args=[site.slug])


def test_unknown_site_is_404(client, db):
    assert client.get(reverse("programme:interest", args=["nowhere"])).status_code == 404


def test_submission_creates_a_web_page_referral(client, form_url, site, programme_round):
    response = client.post(form_url, valid(), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("/thanks/")
    participant = Participant.objects.get()
    assert participant.site == site and participant.round == programme_round
    assert participant.kind == Kind.SUPPORTER
    assert participant.referral_channel == ReferralChannel.WEB_PAGE
    assert participant.status == Status.REFERRED
    assert participant.referral_note.startswith("I have lived")
    assert str(participant.phone) == "+4520123456"


def test_honeypot_pretends_success_and_stores_nothing(client, form_url):
    response = client.post(form_url, valid(website="http://spam.example"))
    assert response.status_code == 302
    assert not Participant.objects.exists()


def test_csrf_is_enforced(form_url):
    client = Client(enforce_csrf_checks=True)
    assert client.post(form_url, valid()).status_code == 403
    assert not Participant.objects.exists()


def test_length_limits_and_contact_are_form_errors(client, form_url):
    response = client.post(
        form_url,
        valid(message="x" * 1001, first_name="y" * 101, phone="", email="", postcode="12345"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"message", "first_name", "phone", "postcode"}
    assert not Participant.objects.exists()


def test_rate_limit_per_address_bites(client, form_url):
    for index in range(5):
        response = client.post(form_url, valid(last_name=f"Person{index}"))
        assert response.status_code == 302
    response = client.post(form_url, valid(last_name="Sixth"))
    assert response.status_code == 429
    assert Participant.objects.count() == 5
    # Another address is not affected.
    other = client.post(form_url, valid(last_name="Neighbour"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    # An hour later the address may try again.
    with time_machine.travel(dt.datetime(2026, 6, 1, 11, 1, tzinfo=dt.UTC), tick=False):
        assert client.post(form_url, valid(last_name="Later")).status_code == 302


def test_invalid_submissions_count_towards_the_limit(client, form_url):
    for _index in range(5):
        client.post(form_url, valid(postcode="x"))
    assert client.post(form_url, valid()).status_code == 429


def test_an_interest_form_submission_is_named_by_its_time_in_copenhagen(db):
    from programme.models import InterestAttempt

    with time_machine.travel(dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC), tick=False):
        attempt = InterestAttempt.objects.create(address_hash="abcdef0123456789")
    assert str(attempt) == "abcdef01 · 2026-06-02 00:30"


def test_rotating_a_forged_x_forwarded_for_does_not_lift_the_limit(client, form_url, settings):
    # One trusted proxy is configured, but this client reaches the app directly (a public
    # address, not the proxy's) and names a new address in the header on every post.
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        client.post(
            form_url,
            valid(last_name=f"Person{index}"),
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{index}",
        ).status_code
        for index in range(8)
    ]
    assert statuses == [302] * 5 + [429] * 3
    assert Participant.objects.count() == 5
    # Through the proxy (a private address) each client is still told apart by the header.
    through_proxy = client.post(
        form_url,
        valid(last_name="Neighbour"),
        REMOTE_ADDR="172.18.0.5",
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    assert through_proxy.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_twenty_posts_at_the_same_instant_create_no_more_than_the_limit(site, programme_round):
    """PostgreSQL, each post on its own connection, all released at once: the count and the
    record are one step per address, so the limit holds (a check then an insert let 7 of 20
    through a limit of 5)."""
    import threading

    from django.db import connection

    from programme.services import INTEREST_LIMIT

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL, as in CI)")
    url = reverse("programme:interest", args=[site.slug])
    start = threading.Barrier(20)
    statuses = []

    def send(number):
        start.wait()
        try:
            response = Client().post(url, valid(last_name=f"Racer{number}"))
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [302] * INTEREST_LIMIT + [429] * (20 - INTEREST_LIMIT)
    assert Participant.objects.filter(last_name__startswith="Racer").count() == INTEREST_LIMIT
