"""Supervision sessions and network meetings (one-off or a series), their invitations,
attendance, notes, dilemmas and follow-up actions, and the topics suggested for them."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Dilemma,
    FollowUpAction,
    Participant,
    Session,
    SessionInvitation,
    SuggestedTopic,
    TopicSource,
)


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month = moment.month - 1 + months
    year = moment.year + month // 12
    month = month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@transaction.atomic
def session_create(
    *,
    site,
    round,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    by,
    leader=None,
    invite_eligible: bool = True,
    series: uuid.UUID | None = None,
) -> Session:
    """Plan one session; by default invite every supporter of the site who may be matched."""
    if ends_at <= starts_at:
        raise ValidationError(_("A session must end after it starts."))
    session = Session.objects.create(
        site=site,
        round=round,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        leader=leader,
        series=series,
        created_by=by,
    )
    if invite_eligible:
        SessionInvitation.objects.bulk_create(
            SessionInvitation(session=session, participant=participant)
            for participant in Participant.objects.filter(site=site).eligible_supporters()
        )
    return session


@transaction.atomic
def session_series_create(
    *,
    site,
    round,
    kind: str,
    first_starts_at: dt.datetime,
    duration: dt.timedelta,
    count: int,
    place: str,
    by,
    leader=None,
    every_months: int = 2,
) -> list[Session]:
    """Plan a bimonthly (by default) series of sessions from the first one, same local time."""
    if not 1 <= count <= 24:
        raise ValidationError(_("A series has between 1 and 24 sessions."))
    series = uuid.uuid4()
    local_first = timezone.localtime(first_starts_at)
    sessions = []
    for index in range(count):
        naive = _add_months(local_first.replace(tzinfo=None), index * every_months)
        starts_at = timezone.make_aware(naive)
        sessions.append(
            session_create(
                site=site,
                round=round,
                kind=kind,
                starts_at=starts_at,
                ends_at=starts_at + duration,
                place=place,
                leader=leader,
                series=series,
                by=by,
            )
        )
    return sessions


@transaction.atomic
def session_invite(*, session: Session, participants: Iterable[Participant], by) -> int:
    """Invite supporters of the session's site with programme consent. Idempotent."""
    allowed = set(
        Participant.objects.filter(site=session.site_id)
        .supporters()
        .not_withdrawn()
        .with_programme_consent()
        .values_list("pk", flat=True)
    )
    added = 0
    for participant in participants:
        if participant.pk not in allowed:
            raise ValidationError(
                _("Only supporters with programme consent can be invited: %(name)s")
                % {"name": participant.full_name}
            )
        _invitation, created = SessionInvitation.objects.get_or_create(
            session=session, participant=participant
        )
        added += created
    return added


@transaction.atomic
def session_attendance_record(
    *, session: Session, attended: dict[int, bool], by, now: dt.datetime | None = None
) -> None:
    """Record who came ({participant id: attended}); only invited supporters, only once the
    session has started."""
    if not session.has_started(now):
        raise ValidationError(_("Attendance can be recorded once the session has started."))
    invitations = {inv.participant_id: inv for inv in session.invitations.all()}
    if set(attended) - set(invitations):
        raise ValidationError(_("Attendance can only be recorded for invited supporters."))
    for participant_id, was_there in attended.items():
        invitation = invitations[participant_id]
        if invitation.attended != was_there:
            invitation.attended = was_there
            invitation.save(update_fields=["attended"])


@transaction.atomic
def session_update(
    *,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    by,
    leader=None,
) -> Session:
    """Move a session or change its place or leader. The outbox plans new reminders for the new
    time (its keys carry the time) and cancels the old ones."""
    if ends_at <= starts_at:
        raise ValidationError(_("A session must end after it starts."))
    session.starts_at, session.ends_at, session.place, session.leader = (
        starts_at,
        ends_at,
        place,
        leader,
    )
    session.save(update_fields=["starts_at", "ends_at", "place", "leader"])
    return session


@transaction.atomic
def session_cancel(*, session: Session, by, now: dt.datetime | None = None) -> Session:
    """Cancel a session that has not started; the reminders skip it (`upcoming()` excludes it).
    Idempotent."""
    now = now or timezone.now()
    if session.has_started(now):
        raise ValidationError(_("A session that has started cannot be cancelled."))
    if session.cancelled_at is None:
        session.cancelled_at = now
        session.save(update_fields=["cancelled_at"])
    return session


@transaction.atomic
def session_notes_update(*, session: Session, notes: str, by) -> Session:
    session.notes = notes
    session.save(update_fields=["notes"])
    return session


@transaction.atomic
def dilemma_record(*, session: Session, theme: str, text: str, by) -> Dilemma:
    return Dilemma.objects.create(session=session, theme=theme, text=text, recorded_by=by)


@transaction.atomic
def action_record(
    *, session: Session, text: str, by, responsible: str = "", due_on: dt.date | None = None
) -> FollowUpAction:
    return FollowUpAction.objects.create(
        session=session, text=text, responsible=responsible, due_on=due_on, created_by=by
    )


@transaction.atomic
def action_complete(*, action: FollowUpAction, by, done: bool = True) -> FollowUpAction:
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done_at"])
    return action


@transaction.atomic
def supervision_topic_suggest(
    *,
    site,
    text: str,
    by,
    source: str = TopicSource.OTHER,
    meeting_number: int | None = None,
    source_label: str = "",
    supporter: Participant | None = None,
) -> SuggestedTopic:
    """Suggest a topic for the next supervision at the site (a logbook's request for support,
    say: `source` support_request with the pair's `meeting_number`). It shows on the pages of
    the sessions on or after the day it was raised until it is taken up or dismissed; the
    supervisor reads what it is (`source_display`), never whose logbook it came from. A support
    request names its `supporter`: only the supervisors of sessions that supporter is invited
    to read it. Not idempotent on purpose: two requests with the same words are two topics."""
    return SuggestedTopic.objects.create(
        site=site,
        text=text[:5000],
        source=source,
        meeting_number=meeting_number,
        source_label=source_label[:200],
        supporter=supporter,
        suggested_by=by,
    )


@transaction.atomic
def supervision_topic_take_up(*, topic: SuggestedTopic, session: Session, by) -> SuggestedTopic:
    """Mark a suggested topic as discussed at a session and record it as a dilemma there. A
    topic raised after the session's day cannot have been discussed there."""
    if topic.site_id != session.site_id:
        raise ValidationError(_("The topic belongs to another site."))
    if not SuggestedTopic.objects.filter(pk=topic.pk).raised_by(session).exists():
        raise ValidationError(_("The topic was raised after this session."))
    if topic.session_id is None:
        topic.session = session
        topic.save(update_fields=["session"])
        Dilemma.objects.create(
            session=session, theme="other", text=topic.text, recorded_by=by, topic=topic
        )
    return topic


@transaction.atomic
def supervision_topic_dismiss(*, topic: SuggestedTopic, by) -> SuggestedTopic:
    if topic.dismissed_at is None:
        topic.dismissed_at = timezone.now()
        topic.save(update_fields=["dismissed_at"])
    return topic
