"""Export tiers: none, pseudonymised, full. Full exports only for the manager; every export, of
each tier, in the access log (who, which export, when; never the values)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse

from programme.models import Participant
from tests.conftest import make_participant
from tests.security.test_access_matrix import url_names
from tod.audit.models import AccessEvent
from tod.privacy.tiers import EXPORTS, ExportTier, export_tier

ROLE_TIERS = {
    "manager": ExportTier.FULL,
    "evaluator": ExportTier.PSEUDONYMISED,
    "supporter": ExportTier.NONE,
    "nurse": ExportTier.NONE,
    "supervisor": ExportTier.NONE,
    "outsider": ExportTier.NONE,
}


def test_every_export_names_its_tier_and_its_view_checks_it():
    exports = {name for name in url_names() if "export" in name}
    assert exports == {name for name in EXPORTS if "?" not in name}, (
        "an export URL without a tier in tod.privacy.tiers.EXPORTS"
    )
    for name, tier in EXPORTS.items():
        if "?" in name:  # a page that also downloads: checked by test_roles_by_export
            continue
        path = reverse(name, kwargs={"pk": 1} if name.startswith("privacy:") else None)
        assert resolve(path).func.export_tier is tier, name


@pytest.mark.parametrize(("persona", "tier"), ROLE_TIERS.items())
def test_export_tier_of_each_role(request, persona, tier):
    assert export_tier(request.getfixturevalue(persona)) is tier


def test_anonymous_visitors_have_no_export_tier():
    from django.contrib.auth.models import AnonymousUser

    assert export_tier(AnonymousUser()) is ExportTier.NONE


@pytest.fixture
def peer(site, programme_round):
    return make_participant(
        site, round=programme_round, phone="+4520304050", email="karen@example.org"
    )


def _export(client, name, peer):
    if name.startswith("privacy:"):
        return client.post(reverse(name, kwargs={"pk": peer.pk}))
    name, _, query = name.partition("?")
    return client.get(f"{reverse(name)}?{query}" if query else reverse(name))


@pytest.mark.parametrize("persona", ROLE_TIERS)
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_roles_by_export(client, request, persona, name, peer):
    """Each role gets the exports of its tier and below; the others get 403, and nothing is
    logged for them (what an allowed export logs: the tests below)."""
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = _export(client, name, peer)
    allowed = ROLE_TIERS[persona] >= EXPORTS[name]
    assert response.status_code == (200 if allowed else 403)
    if not allowed:
        assert not AccessEvent.objects.exists()
    else:
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_anonymous_visitors_are_sent_to_log_in(name, peer):
    from django.test import Client

    response = _export(Client(), name, peer)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_full_export_is_only_for_the_manager_of_the_participants_site(
    client, other_manager, peer
):
    client.force_login(other_manager)
    response = client.post(reverse("privacy:participant_data_export", kwargs={"pk": peer.pk}))
    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_full_export_holds_identifiers_and_is_logged(client, manager, peer):
    client.force_login(manager)
    response = client.post(reverse("privacy:participant_data_export", kwargs={"pk": peer.pk}))
    assert response.status_code == 200
    assert "karen@example.org" in response.content.decode()
    event = AccessEvent.objects.get()
    assert (event.actor, event.participant) == (manager, peer)
    assert event.what == "data export (right of access) (full export)"
    assert "karen" not in event.what + event.path


def test_the_participant_list_csv_is_a_full_export_and_logged(client, manager, peer):
    other = make_participant(peer.site, first_name="Ole")
    client.force_login(manager)
    response = client.get(reverse("programme:participant_list") + "?format=csv&q=Ole")
    assert response.status_code == 200
    assert "Ole" in response.content.decode()
    event = AccessEvent.objects.get()
    assert (event.actor, event.participant, event.what) == (
        manager,
        other,
        "participant list (CSV) (full export)",
    )


# --- The pseudonymised tier, on the demo programme ---------------------------------------------


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=io.StringIO())
    from tod.accounts.models import User

    return User.objects.get(username="evaluator")


def identifiers(person: Participant) -> set[str]:
    """The direct identifiers of a participant as they could appear in a file."""
    values = {
        person.first_name,
        person.last_name,
        person.full_name,
        person.email,
        person.address,
        person.date_of_birth.isoformat() if person.date_of_birth else "",
    }
    phone = str(person.phone or "")
    if phone:
        values |= {phone, phone.removeprefix("+45")}
    return {value for value in values if value and len(value) >= 3}


def _files(response) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def _found(text: str, value: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, flags=re.IGNORECASE) is not None


def test_pseudonymised_exports_hold_no_direct_identifier_of_the_seeded_participants(client, demo):
    client.force_login(demo)
    # The demo leaves addresses empty: give them one. Postcodes become markers that no id, count
    # or measure in a file can equal by chance (a real one, 2200, is also a plausible row id).
    for number, person in enumerate(Participant.objects.order_by("pk")):
        person.address = f"Nørrebrogade {person.pk + 100}, 3. th."
        person.postcode = f"Q{number:03d}"
        person.save(update_fields=["address", "postcode"])
    people = list(Participant.objects.all())
    assert len(people) > 10
    for name in ("evaluation:export_csv", "evaluation:export_qdpx"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        files = _files(response)
        text = "\n".join(files.values())
        assert "P-" in text or "C-" in text, "the export holds no one at all"
        leaks = sorted(
            {
                f"{person.pk}: {value!r}"
                for person in people
                for value in identifiers(person)
                if _found(text, value)
            }
        )
        assert leaks == [], f"{name} holds direct identifiers: {leaks}"
        # Postcodes: no column of them, and not one anywhere.
        postcodes = {p.postcode for p in people}
        hits = [
            f"{file_name}: {content[max(0, m.start() - 60) : m.end() + 60]!r}"
            for file_name, content in files.items()
            for pc in postcodes
            for m in re.finditer(rf"(?<!\w){pc}(?!\w)", content)
        ]
        assert hits == []
        for file_name, content in files.items():
            if file_name.endswith(".csv"):
                header = [column.lower() for column in next(csv.reader(io.StringIO(content)))]
                assert not {"postcode", "address", "latitude", "longitude"} & set(header)


def test_pseudonymised_exports_are_logged_for_every_participant_in_them(client, demo):
    from evaluation.exports import people_exported

    client.force_login(demo)
    exported = set(people_exported(demo).values_list("pk", flat=True))
    assert exported
    assert client.get(reverse("evaluation:export_csv")).status_code == 200
    events = AccessEvent.objects.filter(actor=demo)
    assert set(events.values_list("participant_id", flat=True)) == exported
    assert set(events.values_list("what", flat=True)) == {
        "evaluation tables (CSV) (pseudonymised export)"
    }
    assert client.get(reverse("evaluation:export_qdpx")).status_code == 200
    assert events.filter(what__contains="REFI-QDA").count() == len(exported)
