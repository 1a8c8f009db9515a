"""After erasure no name, phone number, e-mail or address of the participant remains in any text
of the database (the audit trail and the outbox included), scanned field by field."""

import datetime as dt
import io

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Count

from programme.models import Participant, Status
from tod.accounts.models import User
from tod.audit.models import AuditEvent
from tod.privacy.erasure import erase_past_retention, identifying_values, participant_erase
from tod.privacy.models import ErasureRecord


def scan(values: list[str]) -> list[str]:
    """Every (model, field, pk) whose text holds any of the values."""
    hits = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            for row in model._default_manager.all():
                text = str(getattr(row, field.attname) or "").lower()
                for value in values:
                    if value.lower() in text:
                        hits.append(f"{model._meta.label}.{field.name}#{row.pk}: {value}")
    return hits


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def plant(peer, values):
    """Write the peer's identifying values into free text of rows that concern them, as a
    supporter or nurse might ("Met Bent Madsen at ...")."""
    from tod.privacy.access import collect

    planted = 0
    for group in collect(peer).values():
        for row in group:
            for field in row._meta.concrete_fields:
                if isinstance(field, models.TextField) and not field.choices:
                    setattr(row, field.attname, f"Notes about {' and '.join(values)}.")
                    type(row).objects.filter(pk=row.pk).update(
                        **{field.attname: getattr(row, field.attname)}
                    )
                    planted += 1
    return planted


def test_no_identifying_value_remains_anywhere_after_erasure(demo, django_user_model):
    peer = (
        Participant.objects.peers()
        .filter(site__slug="copenhagen", pairs_as_peer__isnull=False)
        .first()
    )
    peer.phone = "+4520123456"
    peer.address = "Nørrebrogade 12, 2. tv"
    peer.email = "bent.madsen@example.org"
    peer.save()
    peer.refresh_from_db()
    values = identifying_values(peer)
    assert plant(peer, values) >= 3
    assert scan(values)  # the values are really there before

    manager = django_user_model.objects.get(username="manager")
    record = participant_erase(participant=peer, by=manager)

    assert scan(values) == []
    assert record.rows_scrubbed >= 3 and record.audit_events_scrubbed >= 1
    peer.refresh_from_db()
    assert peer.erased_at is not None
    assert peer.date_of_birth.month == 1 and peer.date_of_birth.day == 1  # the year stays
    # the pseudonymised records stay for the evaluation
    assert peer.pairs_as_peer.exists()
    assert participant_erase(participant=peer, by=manager) == record  # idempotent


def test_other_participants_with_the_same_first_name_keep_theirs(demo, django_user_model):
    peer, other = Participant.objects.peers().filter(site__slug="copenhagen")[:2]
    first_name = peer.first_name
    other.referral_note = f"Knows {first_name} from the centre"
    other.save()
    participant_erase(participant=peer, by=None)
    other.refresh_from_db()
    assert first_name in other.referral_note  # only the full name is erased elsewhere


def test_retention_erases_those_past_their_sites_period_and_logs_it(demo):
    from logbooks.models import Pair

    # A peer with one pair (the demo's substituted case has two, the second ending today).
    pair = (
        Pair.objects.filter(site__slug="copenhagen")
        .annotate(pairs=Count("peer__pairs_as_peer"))
        .filter(pairs=1)
        .select_related("peer")
        .first()
    )
    long_finished, recent = pair.peer, Participant.objects.peers().exclude(pk=pair.peer_id)[0]
    Pair.objects.filter(pk=pair.pk).update(ended_on=dt.date(2019, 6, 1))
    Participant.objects.filter(pk__in=[long_finished.pk, recent.pk]).update(status=Status.COMPLETED)
    Participant.objects.filter(pk=long_finished.pk).update(
        created_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    )
    site = long_finished.site
    site.retention_days = 365
    site.save()

    erased = erase_past_retention(today=dt.date(2026, 11, 26))

    assert ErasureRecord.objects.filter(participant=long_finished, reason="retention").exists()
    assert not ErasureRecord.objects.filter(participant=recent).exists()
    assert erased == ErasureRecord.objects.count()
    assert erase_past_retention(today=dt.date(2026, 11, 26)) == 0  # nothing twice


def test_erasure_is_itself_in_the_audit_trail_without_the_values(demo):
    peer = Participant.objects.peers().filter(site__slug="copenhagen").first()
    name = f"{peer.first_name} {peer.last_name}"
    participant_erase(participant=peer, by=None)
    events = AuditEvent.objects.filter(table_name="programme_participant", row_id=str(peer.pk))
    assert events.filter(action="U").exists()
    assert all(name not in str(event.old) for event in events)


def test_withdrawal_with_erasure_cleans_everywhere(demo, django_user_model):
    from programme.services import participant_withdraw

    peer = (
        Participant.objects.peers()
        .filter(site__slug="copenhagen", pairs_as_peer__isnull=False)
        .first()
    )
    values = identifying_values(peer)
    plant(peer, values)
    manager = django_user_model.objects.get(username="manager")
    participant_withdraw(
        participant=peer,
        withdrawn_on=dt.date(2026, 11, 1),
        reason="Moved away",
        initiated_by="participant",
        data_choice="erase",
        by=manager,
    )
    assert scan(values) == []
    assert ErasureRecord.objects.filter(participant=peer, reason="request").exists()


def test_an_erased_supporters_login_loses_name_and_email_and_cannot_sign_in(demo):
    supporter = (
        Participant.objects.supporters()
        .filter(site__slug="copenhagen", user__isnull=False)
        .select_related("user")
        .first()
    )
    user = supporter.user
    User.objects.filter(pk=user.pk).update(username="bent.madsen")
    AccessAttempt.objects.create(
        username="bent.madsen", ip_address="127.0.0.1", failures_since_start=1
    )
    assert user.last_name and user.email

    participant_erase(participant=supporter, by=None)

    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert user.username == f"erased-{user.pk}"
    assert not AccessAttempt.objects.filter(username="bent.madsen").exists()
    assert not user.is_active


def test_a_rescued_logbook_in_a_session_ends_with_the_peers_erasure(demo):
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    from logbooks.models import Meeting

    meeting = Meeting.objects.filter(pair__site__slug="copenhagen").select_related("pair")[0]
    other_meeting = Meeting.objects.exclude(pair=meeting.pair)[0]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rescued, unrelated = store(), store()
    rescued["kept_input"] = {f"logbook:{meeting.pk}": {"user": None, "data": {"x": ["Glad"]}}}
    unrelated["kept_input"] = {
        f"logbook:{other_meeting.pk}": {"user": None, "data": {"x": ["Glad"]}}
    }
    rescued.create()
    unrelated.create()

    participant_erase(participant=meeting.pair.peer, by=None)

    assert not Session.objects.filter(session_key=rescued.session_key).exists()
    assert Session.objects.filter(session_key=unrelated.session_key).exists()


def test_erasure_stays_inside_the_persons_site(demo):
    peer = Participant.objects.peers().filter(site__slug="copenhagen").first()
    elsewhere = Participant.objects.filter(site__slug="aarhus").first()
    name = f"{peer.first_name} {peer.last_name}"
    Participant.objects.filter(pk=elsewhere.pk).update(referral_note=f"Knows {name}")

    participant_erase(participant=peer, by=None)

    elsewhere.refresh_from_db()
    assert elsewhere.referral_note == f"Knows {name}"
