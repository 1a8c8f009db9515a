"""The logbook: drafts, submitting, support requests, review, comments and versions."""

import datetime as dt

import pytest

from logbooks import services
from logbooks.models import Logbook, LogbookStatus, MeetingStatus, Topic
from programme.models import SuggestedTopic
from tod.outbox.models import Reminder, ReminderKind, ReminderStatus
from tod.outbox.services import outbox_sweep

from .conftest import aware

ANSWERS = {
    "activities": "A walk and coffee",
    "place": "The park",
    "duration_minutes": 75,
    "topics": [Topic.FOOD, Topic.LONELINESS],
    "relationship": "Good",
    "improvements": "Walks on his own",
    "reflections": "I share my own story",
    "challenges": "",
    "needs_support": False,
    "support_with": "",
    "scale_trust": 4,
    "scale_respect": 5,
    "scale_empathy": 4,
    "scale_care": 4,
    "scale_honesty": 5,
    "scale_equal": 5,
    "role_perception": "befriender",
}


@pytest.fixture
def first_meeting(started_pair, frozen):
    frozen.move_to(aware(2026, 3, 12, 12))  # two hours after the first meeting
    return started_pair.meetings.get(sequence=1)


def test_a_draft_is_kept_and_submitting_records_the_meeting_as_held(first_meeting, supporter):
    draft = services.logbook_save(
        meeting=first_meeting, by=supporter, answers={"activities": "A walk"}, submit=False
    )
    assert draft.status == LogbookStatus.DRAFT and draft.draft_saved_at is not None
    first_meeting.refresh_from_db()
    assert first_meeting.status == MeetingStatus.PLANNED
    logbook = services.logbook_save(
        meeting=first_meeting, by=supporter, answers=ANSWERS, submit=True
    )
    assert logbook.pk == draft.pk
    assert logbook.status == LogbookStatus.SUBMITTED
    first_meeting.refresh_from_db()
    assert first_meeting.status == MeetingStatus.HELD
    assert first_meeting.held_on == dt.date(2026, 3, 12)
    assert first_meeting.duration_minutes == 75 and first_meeting.place == "The park"
    assert first_meeting.held_by == supporter.participant


def test_submitting_cancels_the_logbook_reminders(first_meeting, supporter):
    topic = f"meeting:{first_meeting.pk}"
    assert Reminder.objects.pending().filter(topic=topic, kind=ReminderKind.LOGBOOK).count() == 2
    services.logbook_save(meeting=first_meeting, by=supporter, answers=ANSWERS, submit=True)
    assert not Reminder.objects.pending().filter(topic=topic).exists()


def test_a_request_for_support_alerts_the_manager_at_once(
    first_meeting, supporter, manager, other_manager, mailoutbox
):
    manager.email = "maria@example.org"
    manager.save()
    answers = {**ANSWERS, "needs_support": True, "support_with": "He will not talk about pills"}
    logbook = services.logbook_save(
        meeting=first_meeting, by=supporter, answers=answers, submit=True
    )
    alert = Reminder.objects.get(kind=ReminderKind.SUPPORT_REQUEST)
    assert alert.recipient_user == manager  # not the manager of another site
    outbox_sweep()
    assert [m.to for m in mailoutbox] == [["maria@example.org"]]
    body = mailoutbox[0].body
    assert f"/logbooks/{logbook.pk}/" in body
    assert "pills" not in body  # the alert says where to look, not what was written
    # and it becomes a suggested topic for the next supervision
    topic = SuggestedTopic.objects.get()
    assert topic.text == "He will not talk about pills" and topic.site == first_meeting.pair.site


def test_support_requests_come_first_in_the_review_order(started_pair, supporter, frozen):
    frozen.move_to(aware(2026, 4, 15, 12))
    first, second, third = started_pair.meetings.all()[:3]
    a = services.logbook_save(meeting=first, by=supporter, answers=ANSWERS, submit=True)
    b = services.logbook_save(
        meeting=second,
        by=supporter,
        answers={**ANSWERS, "needs_support": True, "support_with": "x"},
        submit=True,
    )
    c = services.logbook_save(meeting=third, by=supporter, answers=ANSWERS, submit=True)
    services.logbook_review(logbook=c, by=supporter)
    assert list(Logbook.objects.review_order()) == [b, a, c]


def test_only_the_author_edits(first_meeting, supporter, other_supporter):
    services.logbook_save(meeting=first_meeting, by=supporter, answers=ANSWERS, submit=True)
    with pytest.raises(PermissionError):
        services.logbook_save(meeting=first_meeting, by=other_supporter, answers=ANSWERS)


def test_editing_before_review_changes_in_place(first_meeting, supporter):
    logbook = services.logbook_save(
        meeting=first_meeting, by=supporter, answers=ANSWERS, submit=True
    )
    services.logbook_save(
        meeting=first_meeting, by=supporter, answers={**ANSWERS, "relationship": "Better"}
    )
    logbook.refresh_from_db()
    assert logbook.relationship == "Better" and logbook.version == 1
    assert not logbook.versions.exists()


def test_a_change_after_review_keeps_the_previous_version(first_meeting, supporter, manager):
    logbook = services.logbook_save(
        meeting=first_meeting, by=supporter, answers=ANSWERS, submit=True
    )
    services.logbook_comment_add(logbook=logbook, by=manager, text="Thank you")
    services.logbook_review(logbook=logbook, by=manager)
    services.logbook_save(
        meeting=first_meeting, by=supporter, answers={**ANSWERS, "relationship": "Better"}
    )
    logbook.refresh_from_db()
    assert logbook.relationship == "Better"
    assert logbook.version == 2
    assert logbook.status == LogbookStatus.SUBMITTED  # back in the manager's queue
    old = logbook.versions.get()
    assert old.version == 1 and old.answers["relationship"] == "Good"
    assert old.reviewed_at is not None
    # saving the same answers again makes no new version
    logbook = services.logbook_review(logbook=logbook, by=manager)
    services.logbook_save(
        meeting=first_meeting, by=supporter, answers={**ANSWERS, "relationship": "Better"}
    )
    assert logbook.versions.count() == 1


def test_support_handled(first_meeting, supporter, manager):
    answers = {**ANSWERS, "needs_support": True, "support_with": "Help"}
    logbook = services.logbook_save(
        meeting=first_meeting, by=supporter, answers=answers, submit=True
    )
    assert Logbook.objects.support_open().count() == 1
    services.logbook_support_handle(logbook=logbook, by=manager)
    assert Logbook.objects.support_open().count() == 0


def test_a_held_meeting_without_logbook_is_reminded_after_2_and_7_days(
    first_meeting, supporter, frozen, mailoutbox
):
    supporter.email = "hanne@example.org"
    supporter.language = "en"
    supporter.save()
    services.meeting_record_held(meeting=first_meeting, by=supporter, held_on=dt.date(2026, 3, 12))
    frozen.move_to(aware(2026, 3, 14, 9, 59))
    outbox_sweep()
    assert not [m for m in mailoutbox if "/logbook/" in m.body]
    frozen.move_to(aware(2026, 3, 14, 10, 1))
    outbox_sweep()
    assert len([m for m in mailoutbox if "/logbook/" in m.body]) == 1
    frozen.move_to(aware(2026, 3, 19, 10, 1))
    outbox_sweep()
    assert len([m for m in mailoutbox if "/logbook/" in m.body]) == 2
    logbook_reminders = Reminder.objects.filter(topic=f"meeting:{first_meeting.pk}", kind="logbook")
    assert {r.status for r in logbook_reminders} == {ReminderStatus.SENT}


def test_a_meeting_with_a_logbook_cannot_be_cancelled(first_meeting, supporter):
    services.logbook_save(meeting=first_meeting, by=supporter, answers=ANSWERS, submit=True)
    with pytest.raises(ValueError):
        services.meeting_record_cancelled(
            meeting=first_meeting, by=supporter, cancelled_by="peer", reason="other"
        )


def test_a_request_for_support_is_sent_without_waiting_for_the_next_sweep(
    first_meeting, supporter, manager, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from tod.celery import app as celery_app

    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the worker, inline
    manager.email = "maria@example.org"
    manager.save()
    answers = {**ANSWERS, "needs_support": True, "support_with": "A hard week"}
    with django_capture_on_commit_callbacks(execute=True):
        services.logbook_save(meeting=first_meeting, by=supporter, answers=answers, submit=True)
    assert [m.to for m in mailoutbox] == [["maria@example.org"]]


def test_the_manager_reading_a_logbook_is_in_the_access_log(
    client, first_meeting, supporter, manager
):
    from django.urls import reverse

    from tod.audit.models import AccessEvent

    logbook = services.logbook_save(
        meeting=first_meeting, by=supporter, answers=ANSWERS, submit=True
    )
    client.force_login(supporter)
    client.get(reverse("logbooks:logbook_detail", args=[logbook.pk]))
    assert not AccessEvent.objects.exists()  # the author reading their own
    client.force_login(manager)
    assert client.get(reverse("logbooks:logbook_detail", args=[logbook.pk])).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.actor, event.participant, event.what) == (
        manager,
        first_meeting.pair.peer,
        "logbook",
    )
