"""The signed-in user of each request, read with their sites in one query
(tod.accounts.backends.SiteAwareModelBackend)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from programme.models import Participant
from tests.conftest import make_participant
from tod.accounts.backends import SiteAwareModelBackend


@pytest.fixture
def backend():
    return SiteAwareModelBackend()


def test_the_user_comes_with_their_site_ids_in_one_query(
    backend, manager, site, other_site, django_assert_num_queries
):
    manager.sites.add(other_site)
    manager.last_login = timezone.now().replace(microsecond=0)
    manager.save(update_fields=["last_login"])
    with django_assert_num_queries(1):
        user = backend.get_user(manager.pk)
        assert user.site_ids() == {site.pk, other_site.pk}
        assert user.username == "manager" and user.first_name == "Maria"
        # The raw query's values are converted as the ORM's are (dates, booleans on SQLite).
        assert user.last_login == manager.last_login
        assert user.is_active is True


def test_a_user_of_no_site_sees_no_rows(backend, outsider):
    assert backend.get_user(outsider.pk).site_ids() == frozenset()


def test_unknown_inactive_and_malformed_ids_give_no_user(backend, manager):
    assert backend.get_user(manager.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
    manager.is_active = False
    manager.save()
    assert backend.get_user(manager.pk) is None


def test_a_site_taken_from_a_manager_is_gone_on_their_next_page(client, manager, site, other_site):
    """Nothing of the user's sites outlives the request: the next page lists only the
    participants of the sites the manager still works in."""
    manager.sites.add(other_site)
    make_participant(site, first_name="Here")
    make_participant(other_site, first_name="There")
    client.force_login(manager)
    url = reverse("programme:participant_list")
    assert "There" in client.get(url).text
    manager.sites.remove(other_site)
    html = client.get(url).text
    assert "Here" in html and "There" not in html
    assert Participant.objects.filter(first_name="There").exists()
