"""Logbooks: drafts, submitting, support requests, review and comments."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from programme.models import Participant
from tod.accounts.models import User
from tod.outbox.models import ReminderKind
from tod.outbox.services import (
    outbox_plan_many,
    user_specs,
)
from tod.queue import enqueue_after_commit

from ..models import (
    LOGBOOK_ANSWER_FIELDS,
    Logbook,
    LogbookComment,
    LogbookStatus,
    LogbookVersion,
    Meeting,
    MeetingStatus,
)
from ..registries import locked_answers
from .meetings import _count_cancellations, _locked, _record
from .reminders import _managers_of, meeting_reminders_sync

# --- Logbooks -------------------------------------------------------------------------------------


def _apply_answers(logbook: Logbook, answers: dict[str, Any]) -> None:
    """Store the answers as given. Question 10 is kept whatever 9 says: a draft keeps what was
    typed, and the form refuses to submit an answer to 10 that 9 does not ask for."""
    for name in LOGBOOK_ANSWER_FIELDS:
        if name in answers:
            setattr(logbook, name, answers[name])


@transaction.atomic
def logbook_save(
    *,
    meeting: Meeting,
    by: User,
    answers: dict[str, Any],
    submit: bool = False,
    on_paper: bool = False,
) -> Logbook:
    """Save the supporter's logbook for a meeting: a draft, or submitted.

    `on_paper`: the manager `by` types in the supporter's paper logbook. The supporter stays its
    author (the manager, when the supporter has no login) and the logbook keeps who entered it;
    the manager may go on entering it while it has no other author's draft or text.

    Submitting records the meeting as held (date, duration, place, activity from the answers)
    if it was not yet, cancels the logbook reminders and, when the supporter asks for support,
    alerts the site's managers at once and suggests a supervision topic. The author may edit
    until the manager has reviewed it; a change after that keeps the previous version and puts
    the logbook back for review. The written answers the evaluation has coded are locked
    (logbooks.registries): a change to them is left out, the other answers are saved.
    """
    meeting = _locked(meeting)
    logbook = Logbook.objects.select_for_update().filter(meeting=meeting).first()
    if logbook is None:
        author = (meeting.pair.supporter.user or by) if on_paper else by
        logbook = Logbook(meeting=meeting, author=author, entered_by=by if on_paper else None)
    elif not _may_edit(logbook, by, on_paper=on_paper):
        raise PermissionError("only the author edits a logbook")
    was_support_open = logbook.pk is not None and logbook.support_open
    # Answers another layer locked (the evaluation's coded ones) are kept as stored.
    locked = locked_answers(logbook)
    answers = {k: v for k, v in answers.items() if k not in locked}
    now = timezone.now()
    if logbook.status == LogbookStatus.REVIEWED and logbook.answers() != {
        **logbook.answers(),
        **{k: v for k, v in answers.items() if k in LOGBOOK_ANSWER_FIELDS},
    }:
        LogbookVersion.objects.create(
            logbook=logbook,
            version=logbook.version,
            answers=logbook.answers(),
            reviewed_at=logbook.reviewed_at,
        )
        logbook.version += 1
        logbook.status = LogbookStatus.SUBMITTED
        logbook.reviewed_at = None
        logbook.reviewed_by = None
    _apply_answers(logbook, answers)
    if submit and logbook.status == LogbookStatus.DRAFT:
        logbook.status = LogbookStatus.SUBMITTED
        logbook.submitted_at = now
    elif logbook.status == LogbookStatus.DRAFT:
        logbook.draft_saved_at = now
    logbook.save()
    if submit and meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.held_on = meeting.held_on or min(
            timezone.localtime(meeting.planned_at).date(), timezone.localdate()
        )
        meeting.held_by = meeting.pair.supporter
        _record(meeting, by)
    if logbook.status != LogbookStatus.DRAFT and meeting.status == MeetingStatus.HELD:
        meeting.duration_minutes = logbook.duration_minutes or meeting.duration_minutes
        meeting.place = logbook.place or meeting.place
        meeting.activity = (logbook.activities or meeting.activity)[:200]
        meeting.save()
        _count_cancellations(meeting.pair)
    meeting.logbook = logbook
    meeting_reminders_sync(meeting)
    if logbook.support_open and not was_support_open:
        _support_requested(logbook, by)
    return logbook


def _may_edit(logbook: Logbook, by: User, *, on_paper: bool) -> bool:
    """The author edits their logbook; the manager who entered a paper logbook goes on entering
    it (and takes over a draft the supporter began, as the paper says it)."""
    if not on_paper:
        return logbook.author_id == by.pk
    if logbook.entered_by_id == by.pk:
        return True
    if logbook.status == LogbookStatus.DRAFT:
        logbook.entered_by = by
        return True
    return False


def _support_requested(logbook: Logbook, by: User) -> None:
    """Alert the site's managers now (the next sweep, within a minute) and suggest the request
    as a supervision topic."""
    pair = logbook.meeting.pair
    url = reverse("logbooks:logbook_detail", args=[logbook.pk])
    now = timezone.now()
    outbox_plan_many(
        spec
        for manager in _managers_of(pair.site_id)
        for spec in user_specs(
            key=f"support:{logbook.pk}:v{logbook.version}:{manager.pk}",
            user=manager,
            kind=ReminderKind.SUPPORT_REQUEST,
            due_at=now,
            context={"url": url},
            site=pair.site,
            topic=f"logbook:{logbook.pk}",
        )
    )
    suggest_supervision_topic_from_logbook(logbook, by=by)
    # Send it now rather than at the next minute's sweep: the sweep itself, once committed. With
    # the broker down the alert waits for beat's next sweep; the supporter's request still succeeds.
    from tod.outbox.tasks import sweep_outbox

    enqueue_after_commit(sweep_outbox)


def suggest_supervision_topic_from_logbook(logbook: Logbook, *, by: User) -> bool:
    """A support request becomes a suggested topic for the programme's supervision sessions
    (programme.services.supervision_topic_suggest). Returns True."""
    from programme.models import TopicSource
    from programme.services import supervision_topic_suggest

    meeting = logbook.meeting
    pair = meeting.pair
    supervision_topic_suggest(
        site=pair.site,
        text=without_peer_name(logbook.support_with or logbook.challenges, pair.peer),
        source=TopicSource.SUPPORT_REQUEST,
        meeting_number=meeting.sequence,
        supporter=meeting.held_by or pair.supporter,  # a substitute's request is theirs
        by=by,
    )
    return True


def without_peer_name(text: str, peer: Participant) -> str:
    """The text with the peer's name (first, last or full, any case) written as "[peer]": the
    supervisor reads the supporter's request for support, not whom it is about."""
    names = sorted({peer.full_name, peer.first_name, peer.last_name} - {""}, key=len, reverse=True)
    if not names:
        return text
    # The genitive too ("Bents datter", "Madsen's"): a word boundary alone stops short of it.
    pattern = r"\b(?:" + "|".join(re.escape(name) for name in names) + r")(?:['’]?s)?\b"
    return re.sub(pattern, "[peer]", text, flags=re.IGNORECASE)


@transaction.atomic
def logbook_comment_add(*, logbook: Logbook, by: User, text: str) -> LogbookComment:
    """The manager comments on a logbook; the supporter sees it on the logbook."""
    return LogbookComment.objects.create(logbook=logbook, author=by, text=text)


@transaction.atomic
def logbook_review(*, logbook: Logbook, by: User) -> Logbook:
    """The manager has read the logbook; from now on a change keeps the previous version."""
    logbook = Logbook.objects.select_for_update().get(pk=logbook.pk)
    if logbook.status == LogbookStatus.DRAFT:
        raise ValueError("a draft cannot be reviewed")
    logbook.status = LogbookStatus.REVIEWED
    logbook.reviewed_at = timezone.now()
    logbook.reviewed_by = by
    logbook.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    return logbook


@transaction.atomic
def logbook_support_handle(*, logbook: Logbook, by: User) -> Logbook:
    """The manager has dealt with the support request."""
    logbook = Logbook.objects.select_for_update().get(pk=logbook.pk)
    if logbook.support_handled_at is None:
        logbook.support_handled_at = timezone.now()
        logbook.support_handled_by = by
        logbook.save(update_fields=["support_handled_at", "support_handled_by"])
    return logbook
