"""What the domain apps register with the platform's registries when Django starts (ADR 0007):
the platform (tod) imports no domain app, so these registrations are all it knows of them."""

from django.apps import apps
from django.conf import settings

from programme.models import Participant
from programme.privacy import participants_with_last_activity
from programme.reminders import plan_session_reminders, plan_training_reminders
from tod.admin_site import read_log
from tod.audit.models import AccessEvent
from tod.audit.services import access_record_many
from tod.outbox.models import Reminder
from tod.outbox.rules import reminder_rules
from tod.personal_data import retention_candidates
from tod.privacy.models import ErasureRecord


def test_the_outbox_runs_the_programme_reminder_rules():
    assert reminder_rules() == [plan_training_reminders, plan_session_reminders]


def test_the_participant_model_is_programme_participant_and_the_platform_links_to_it():
    assert apps.get_model(settings.PARTICIPANT_MODEL) is Participant
    links = [
        Reminder._meta.get_field("recipient_participant"),
        AccessEvent._meta.get_field("participant"),
        ErasureRecord._meta.get_field("participant"),
    ]
    assert [field.related_model for field in links] == [Participant] * 3


def test_retention_erases_whom_the_programme_names(db):
    candidates = retention_candidates()
    assert candidates.model is Participant
    assert str(candidates.query) == str(participants_with_last_activity().query)


def test_the_admin_writes_its_reads_to_the_access_log():
    assert read_log() is access_record_many
