"""The signed-in user of each request, read by Django's ModelBackend: what they may see follows
their account as it is now, on the very next page."""

from __future__ import annotations

from django.urls import reverse

from programme.models import Participant
from tests.conftest import make_participant


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


def test_a_deactivated_user_is_signed_out_on_their_next_page(client, manager):
    client.force_login(manager)
    url = reverse("programme:dashboard")
    assert client.get(url).status_code == 200
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert client.get(url).status_code == 302


def test_a_password_change_elsewhere_signs_the_session_out(client, manager):
    """The session carries the user's session hash (password and session_salt): a new
    password, set on another device or by a reset, ends this session."""
    client.force_login(manager)
    url = reverse("programme:dashboard")
    assert client.get(url).status_code == 200
    manager.set_password("a-new-and-long-passphrase")
    manager.save(update_fields=["password"])
    assert client.get(url).status_code == 302
