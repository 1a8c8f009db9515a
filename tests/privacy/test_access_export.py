"""The right of access: one click gives everything held about a participant. The expected rows
are found independently, by walking the model graph to every model that can point at the
participant, so a new model that holds their data cannot be forgotten."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from programme.models import Participant
from tod.audit.models import AccessEvent
from tod.privacy.access import EXCLUDED_APPS, EXCLUDED_MODELS, participant_export


def paths_to(target, max_depth=4):
    """Every (model, lookup) where `lookup` follows foreign keys from model to `target`."""
    found = []
    frontier = [(target, "")]
    for _ in range(max_depth):
        next_frontier = []
        for parent, suffix in frontier:
            for model in apps.get_models():
                for field in model._meta.concrete_fields:
                    if field.is_relation and field.related_model is parent:
                        lookup = field.name + (f"__{suffix}" if suffix else "")
                        found.append((model, lookup))
                        next_frontier.append((model, lookup))
        frontier = next_frontier
    return found


def exportable(model) -> bool:
    return (
        model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.app_label not in EXCLUDED_APPS
    )


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def busiest_peer():
    peers = Participant.objects.peers().filter(site__slug="copenhagen")
    return max(
        peers,
        key=lambda peer: sum(
            model._default_manager.filter(**{lookup: peer}).count()
            for model, lookup in paths_to(Participant)
            if exportable(model)
        ),
    )


def test_export_holds_every_row_that_points_at_the_participant(demo):
    peer = busiest_peer()
    export = participant_export(peer)["records"]
    checked_models = set()
    for model, lookup in paths_to(Participant):
        if not exportable(model):
            continue
        expected = set(model._default_manager.filter(**{lookup: peer}).values_list("pk", flat=True))
        if not expected:
            continue
        checked_models.add(model._meta.label)
        exported = {row[model._meta.pk.attname] for row in export.get(model._meta.label, [])}
        assert expected <= exported, (model._meta.label, lookup)
    # the demo peer has a real history: pairs, meetings, logbooks, visits, consents
    assert len(checked_models) >= 5, checked_models


def test_export_leaves_out_secrets_and_other_participants(demo):
    peer = busiest_peer()
    text = json.dumps(participant_export(peer))
    assert "pbkdf2" not in text and "md5$" not in text
    other = Participant.objects.peers().exclude(pk=peer.pk).filter(pairs_as_peer__isnull=True)
    for person in other[:3]:
        assert person.last_name not in text


def test_manager_downloads_the_export_and_it_is_logged(client, manager, site):
    from tests.conftest import make_participant

    peer = make_participant(site, last_name="Kjær")
    client.force_login(manager)
    url = reverse("privacy:participant_data_export", args=[peer.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["records"]["programme.Participant"][0]["last_name"] == "Kjær"
    assert AccessEvent.objects.filter(participant=peer, actor=manager).exists()


def test_only_the_manager_of_the_site_may_export(client, site, other_manager, evaluator, nurse):
    from tests.conftest import make_participant

    peer = make_participant(site)
    url = reverse("privacy:participant_data_export", args=[peer.pk])
    client.force_login(other_manager)
    assert client.post(url).status_code == 404
    for user in (evaluator, nurse):
        client.force_login(user)
        assert client.post(url).status_code == 403
