"""The manager's outbox page and each user's reminder settings."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tod.outbox.models import ContactPreference
from tod.outbox.services import outbox_plan

NOW = timezone.make_aware(dt.datetime(2026, 5, 4, 12))


def plan_many(user, site, n, status="queued"):
    from tod.outbox.models import Reminder

    for i in range(n):
        outbox_plan(
            key=f"{user.pk}-{i}",
            kind="meeting" if i % 2 else "logbook",
            channel="email",
            due_at=NOW,
            recipient_user=user,
            site=site,
        )
    Reminder.objects.filter(key__startswith=f"{user.pk}-").update(status=status)


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("manager", 200),
        ("other_manager", 200),
        ("supporter", 403),
        ("nurse", 403),
        ("evaluator", 403),
    ],
)
def test_who_may_open_the_outbox(client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("outbox:list")).status_code == expected


def test_the_manager_sees_only_their_sites_reminders_with_filters(
    client, manager, other_manager, supporter, site, other_site
):
    plan_many(supporter, site, 3)
    plan_many(other_manager, other_site, 2, status="failed")
    client.force_login(manager)
    page = client.get(reverse("outbox:list")).content.decode()
    assert page.count("<tr>") - 1 == 3
    page = client.get(reverse("outbox:list"), {"status": "failed"}).content.decode()
    assert "No reminders." in page or "Ingen påmindelser." in page
    page = client.get(reverse("outbox:list"), {"kind": "meeting"}).content.decode()
    assert page.count("<tr>") - 1 == 1
    assert client.get(reverse("outbox:list"), {"status": "nonsense"}).status_code == 200
    client.force_login(other_manager)
    page = client.get(reverse("outbox:list"), {"status": "failed"}).content.decode()
    assert page.count("<tr>") - 1 == 2


@pytest.mark.parametrize("n", [3, 120])
def test_the_outbox_page_paginates_in_constant_queries(
    client, manager, supporter, site, n, django_assert_max_num_queries
):
    plan_many(supporter, site, n)
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("outbox:list"), {"page": 2 if n > 50 else 1})
    assert response.status_code == 200


def test_each_user_chooses_their_channels(client, supporter):
    client.force_login(supporter)
    url = reverse("outbox:preferences")
    assert client.get(url).status_code == 200
    client.post(url, {"sms": "on"})
    preference = ContactPreference.objects.get(user=supporter)
    assert preference.sms and not preference.email


def test_preferences_need_a_login(client):
    assert client.get(reverse("outbox:preferences")).status_code == 302
