"""The right of access: one click gives what is held about a participant, and only that. The
rows come from the apps' declarations (tod/personal_data.py): what is about the person and
what they wrote; another person's data is left out although it hangs off their pair."""

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from logbooks.models import Pair
from programme.models import Participant
from tod.audit.models import AccessEvent
from tod.personal_data import NoPersonalData, declaration_of, declarations
from tod.privacy.access import participant_export


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


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def busiest_peer():
    peers = Participant.objects.peers().filter(site__slug="copenhagen")
    return max(peers, key=lambda peer: sum(len(d.rows_of(peer)) for d in declarations()))


def test_every_model_that_leads_to_a_participant_is_declared(db):
    from tod.privacy.checks import _project_models

    project = set(_project_models())
    for model, _lookup in paths_to(Participant):
        if model in project:
            assert declaration_of(model) is not None, model._meta.label


def test_export_holds_every_row_the_apps_declare_as_the_participants(demo):
    peer = busiest_peer()
    export = participant_export(peer)["records"]
    checked = set()
    for declaration in declarations():
        expected = set(declaration.rows_of(peer).values_list("pk", flat=True))
        if not expected:
            continue
        label = declaration.model._meta.label
        checked.add(label)
        exported = {row[declaration.model._meta.pk.attname] for row in export.get(label, [])}
        assert expected == exported, label
    # the demo peer has a real history: pairs, meetings, logbooks, visits, consents
    assert len(checked) >= 5, checked
    assert not isinstance(declaration_of(Participant), NoPersonalData)


def test_export_leaves_out_secrets_and_other_participants(demo):
    peer = busiest_peer()
    text = json.dumps(participant_export(peer))
    assert "pbkdf2" not in text and "md5$" not in text
    other = Participant.objects.peers().exclude(pk=peer.pk).filter(pairs_as_peer__isnull=True)
    for person in other[:3]:
        assert person.last_name not in text


@pytest.fixture
def pair_with_research(demo):
    """A Copenhagen pair with both parties interviewed and the evaluator's outcome for the
    peer, each with words found nowhere else."""
    from evaluation.models import Interview, Outcome

    pair = Pair.objects.filter(site__slug="copenhagen").select_related("peer", "supporter")[0]
    evaluator = pair.site.staff.filter(role="evaluator").first() or pair.formed_by
    Interview.objects.create(
        site=pair.site,
        pair=pair,
        informant_type="peer",
        informant=pair.peer,
        conducted_on=dt.date(2026, 6, 1),
        mode="in_person",
        transcript="PEER-INTERVIEW: my blood sugar and my marriage",
        interviewer=evaluator,
    )
    Interview.objects.create(
        site=pair.site,
        pair=pair,
        informant_type="supporter",
        informant=pair.supporter,
        conducted_on=dt.date(2026, 6, 2),
        mode="in_person",
        transcript="SUPPORTER-INTERVIEW: my own depression",
        interviewer=evaluator,
    )
    Outcome.objects.update_or_create(
        pair=pair,
        kind="self_care_awareness",
        defaults={
            "result": Outcome._meta.get_field("result").choices[0][0],
            "description": "PEER-OUTCOME: rated by the evaluator",
            "created_by": evaluator,
        },
    )
    return pair


def test_supporters_export_leaves_out_the_peers_interview_and_outcomes(pair_with_research):
    text = json.dumps(participant_export(pair_with_research.supporter), ensure_ascii=False)
    assert "SUPPORTER-INTERVIEW" in text
    assert "PEER-INTERVIEW" not in text
    assert "PEER-OUTCOME" not in text


def test_peers_export_leaves_out_the_supporters_interview(pair_with_research):
    text = json.dumps(participant_export(pair_with_research.peer), ensure_ascii=False)
    assert "PEER-INTERVIEW" in text and "PEER-OUTCOME" in text
    assert "SUPPORTER-INTERVIEW" not in text


def test_export_holds_the_audit_trail_of_the_participants_rows(demo):
    peer = busiest_peer()
    Participant.objects.filter(pk=peer.pk).update(referral_note="AUDITED-CHANGE")
    export = participant_export(peer)
    changes = [
        event
        for event in export["audit_trail"]
        if event["table"] == "programme_participant" and event["row"] == str(peer.pk)
    ]
    assert any(event["action"] == "I" for event in changes)
    assert any((event["new"] or {}).get("referral_note") == "AUDITED-CHANGE" for event in changes)
    tables = {event["table"] for event in export["audit_trail"]}
    assert {"matching_pair", "logbooks_logbook"} <= tables
    # never the trail of someone else's record
    other_rows = {e["row"] for e in export["audit_trail"] if e["table"] == "programme_participant"}
    assert other_rows == {str(peer.pk)}


def test_supporters_export_holds_the_topics_and_dilemmas_from_their_logbooks(demo):
    from programme.models import Dilemma, Session, SuggestedTopic
    from programme.services import supervision_topic_suggest, supervision_topic_take_up

    pair = Pair.objects.filter(site__slug="copenhagen").select_related("supporter__user")[0]
    supporter_login = pair.supporter.user
    topic = supervision_topic_suggest(
        site=pair.site,
        text="FROM-MY-LOGBOOK: how to say no",
        by=supporter_login,
        source="support_request",
        meeting_number=3,
    )
    session = Session.objects.filter(site=pair.site).order_by("-starts_at")[0]
    SuggestedTopic.objects.filter(pk=topic.pk).update(created_at=session.starts_at)
    topic.refresh_from_db()
    manager = pair.site.staff.filter(role="manager")[0]
    supervision_topic_take_up(topic=topic, session=session, by=manager)

    records = participant_export(pair.supporter)["records"]
    assert [row["id"] for row in records["programme.SuggestedTopic"]] == [topic.pk]
    dilemma = Dilemma.objects.get(topic=topic)
    assert [row["id"] for row in records["programme.Dilemma"]] == [dilemma.pk]
    assert "programme.Dilemma" not in participant_export(pair.peer)["records"]


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


def test_a_support_request_raised_for_a_supporter_without_a_login_is_in_their_export(demo):
    """The manager raises the topic from a paper logbook: it names the supporter, not a login."""
    from programme.models import SuggestedTopic
    from programme.services import supervision_topic_suggest

    pair = Pair.objects.filter(site__slug="copenhagen").select_related("supporter", "peer")[0]
    manager = pair.site.staff.filter(role="manager")[0]
    topic = supervision_topic_suggest(
        site=pair.site,
        text="PAPER-LOGBOOK: the peer stopped answering",
        by=manager,
        source="support_request",
        meeting_number=4,
        supporter=pair.supporter,
    )

    records = participant_export(pair.supporter)["records"]
    assert topic.pk in [row["id"] for row in records["programme.SuggestedTopic"]]
    peer_topics = participant_export(pair.peer)["records"].get("programme.SuggestedTopic", [])
    assert topic.pk not in [row["id"] for row in peer_topics]
    assert SuggestedTopic.objects.filter(pk=topic.pk, suggested_by=manager).exists()


def test_a_paper_logbook_is_in_the_export_of_the_supporter_whoever_typed_it_in(site, manager):
    """Entered by the manager for a supporter without a login (the manager is its author and
    `entered_by`): it is the supporter's and the peer's, through the pair, not the manager's."""
    import time_machine

    from logbooks import services
    from logbooks.factories import PairFactory
    from programme.models import Kind
    from tests.conftest import make_participant
    from tests.logbooks.conftest import MATCH_DAY, aware

    supporter = make_participant(site, Kind.SUPPORTER, first_name="Inge")
    other = make_participant(site, Kind.SUPPORTER, first_name="Else")
    pair = PairFactory.create(site=site, peer=make_participant(site), supporter=supporter)
    with time_machine.travel(aware(2026, 3, 3, 12), tick=False) as clock:
        services.pair_start(pair=pair, match_meeting_on=MATCH_DAY, by=manager, weekday=3)
        clock.move_to(aware(2026, 3, 12, 12))
        logbook = services.logbook_save(
            meeting=pair.meetings.get(sequence=1),
            by=manager,
            answers={"activities": "Gåtur", "place": "Parken", "needs_support": False},
            submit=True,
            on_paper=True,
        )
    assert (logbook.author, logbook.entered_by) == (manager, manager)
    for person in (supporter, pair.peer):
        rows = participant_export(person)["records"]["logbooks.Logbook"]
        assert [row["id"] for row in rows] == [logbook.pk]
    assert "logbooks.Logbook" not in participant_export(other)["records"]
