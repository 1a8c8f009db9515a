"""Writes across models for recruitment, screening, consent, withdrawal, training and
supervision. Every service is keyword-only, atomic and takes the acting user as `by`.

Contract for other apps:
- `supervision_topic_suggest(site=, text=, by=, source=, meeting_number=)`: the logbooks app
  calls it when a logbook asks for support; the topic shows on the site's supervision sessions
  from the day it was raised.
- withdrawal ends the participant's open pairs through the reactions registered in
  `programme.registries` (logbooks ends the pairs).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Consent,
    ConsentDecision,
    ConsentPurpose,
    ConsentText,
    Course,
    CourseInvitation,
    DataChoice,
    Dilemma,
    FollowUpAction,
    InitialConversation,
    InterestAttempt,
    Participant,
    ReferralChannel,
    Round,
    Screening,
    ScreeningResult,
    Session,
    SessionInvitation,
    Status,
    SuggestedTopic,
    TopicSource,
    TrainingAttendance,
    TrainingDay,
    Withdrawal,
    derive_result,
)
from .registries import withdrawal_reactions_run
from .status import participant_statuses_refresh

# --- Recruitment -----------------------------------------------------------------------------


@transaction.atomic
def participant_create(*, site, by, **fields) -> Participant:
    """Register a referral. Duplicates (same name and date of birth) are flagged by the form and
    on the list, never merged silently."""
    participant = Participant(site=site, **fields)
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_update(*, participant: Participant, by, **fields) -> Participant:
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.full_clean()
    participant.save()
    participant_statuses_refresh(participants=[participant])  # the role decides "trained"
    return participant


def _address_hash(address: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


INTEREST_LIMIT = 5  # submissions per address
INTEREST_WINDOW = dt.timedelta(hours=1)


@transaction.atomic
def interest_attempt_claim(*, address: str, now: dt.datetime | None = None) -> bool:
    """Count one submission of the public form for the address, unless the address has used
    up its INTEREST_LIMIT submissions in the window: True when counted (go on), False when
    limited. Attempts older than a day are forgotten.

    Counting and recording are one step per address: on PostgreSQL a transaction-level
    advisory lock on the address makes concurrent posts from it take turns, so each counts
    the attempts the others committed (a check, then an insert, let 7 of 20 simultaneous posts
    through a limit of 5). The lock is held until the caller's transaction ends. (SQLite, for
    development only, has no such lock.)"""
    now = now or timezone.now()
    key = _address_hash(address)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"interest:{key}"])
    recent = InterestAttempt.objects.filter(
        address_hash=key, created_at__gt=now - INTEREST_WINDOW
    ).count()
    if recent >= INTEREST_LIMIT:
        return False
    InterestAttempt.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    InterestAttempt.objects.create(address_hash=key, created_at=now)
    return True


@transaction.atomic
def interest_submit(*, site, kind: str, message: str = "", **fields) -> Participant:
    """A person filled the public interest form: a referral through the web page, screened later
    by the manager. No login; `by` is nobody."""
    return participant_create(
        site=site,
        by=None,
        kind=kind,
        round=Round.objects.current_for_site(site),
        referral_channel=ReferralChannel.WEB_PAGE,
        referral_note=message,
        status=Status.REFERRED,
        **fields,
    )


@transaction.atomic
def conversation_record(*, participant: Participant, held_on: dt.date, notes: str, by):
    return InitialConversation.objects.create(
        participant=participant, held_on=held_on, notes=notes, held_by=by
    )


# --- Screening -------------------------------------------------------------------------------


@transaction.atomic
def screening_record(
    *,
    participant: Participant,
    screened_on: dt.date,
    answers: dict[str, str],
    by,
    override_result: str = "",
    override_reason: str = "",
    notes: str = "",
) -> Screening:
    """Screen a participant criterion by criterion. The result is derived from the answers; the
    manager may override it, but only with a reason, which is kept next to the derived result."""
    derived = derive_result(participant.kind, answers)
    result = derived
    if override_result and override_result != derived:
        if not override_reason.strip():
            raise ValidationError(_("Give a reason for overriding the result."))
        result = override_result
    screening = Screening.objects.create(
        participant=participant,
        screened_on=screened_on,
        screened_by=by,
        answers=answers,
        derived_result=derived,
        result=result,
        override_reason=override_reason if result != derived else "",
        notes=notes,
    )
    participant_statuses_refresh(participants=[participant])
    return screening


# --- Consent ---------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    participant: Participant,
    purpose: str,
    decision: str,
    decided_on: dt.date,
    method: str,
    by,
    text: ConsentText | None = None,
    note: str = "",
    screening_override_reason: str = "",
) -> Consent:
    """Record an answer for one purpose. Appends to the history; earlier answers stay.

    Programme consent is given after an eligible screening (the latest one counts): it opens
    the course and the matching. Without one the manager may record it only with a reason
    (`screening_override_reason`, kept on the answer), as a screening's result is overridden."""
    text = text or ConsentText.objects.current(purpose)
    if text is None or text.purpose != purpose:
        raise ValidationError(_("Choose a consent text for this purpose."))
    if participant.is_withdrawn and decision == ConsentDecision.GIVEN:
        raise ValidationError(_("The participant has withdrawn from the programme."))
    screening_override_reason = screening_override_reason.strip()
    gives_programme = purpose == ConsentPurpose.PROGRAMME and decision == ConsentDecision.GIVEN
    if not gives_programme or latest_screening_result(participant) == ScreeningResult.ELIGIBLE:
        screening_override_reason = ""
    elif not screening_override_reason:
        raise ValidationError(
            {
                "screening_override_reason": _(
                    "%(name)s has no eligible screening. Screen them first, or give the reason "
                    "for recording programme consent without it."
                )
                % {"name": participant.full_name}
            }
        )
    consent = Consent.objects.create(
        participant=participant,
        purpose=purpose,
        decision=decision,
        text=text,
        decided_on=decided_on,
        method=method,
        recorded_by=by,
        note=note,
        screening_override_reason=screening_override_reason,
    )
    participant_statuses_refresh(participants=[participant])
    return consent


def latest_screening_result(participant: Participant) -> str | None:
    """The result of the participant's latest screening (None when never screened)."""
    latest = participant.screenings.latest_first().first()
    return latest.result if latest else None


def current_consents(participant: Participant) -> dict[str, Consent | None]:
    """The latest answer per purpose (None when never asked)."""
    latest: dict[str, Consent | None] = {purpose: None for purpose in ConsentPurpose.values}
    for consent in participant.consents.select_related("text").order_by("recorded_at", "id"):
        latest[consent.purpose] = consent
    return latest


# --- Withdrawal ------------------------------------------------------------------------------


@transaction.atomic
def participant_withdraw(
    *,
    participant: Participant,
    withdrawn_on: dt.date,
    reason: str,
    initiated_by: str,
    data_choice: str,
    by,
) -> Withdrawal:
    """Withdraw a participant at any time. Their open pairs end (through the withdrawal
    reactions of `programme.registries`: logbooks ends the pairs and cancels their future
    meetings and reminders); future course and session
    invitations are cancelled; the data is kept or its personal part erased, as the participant
    chose. Nothing is deleted: the withdrawal record says what happened. Not idempotent: a
    participant withdraws once (ValidationError the second time)."""

    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if Withdrawal.objects.filter(participant=participant).exists():
        raise ValidationError(_("This participant has already withdrawn."))
    ended = withdrawal_reactions_run(participant=participant, reason=reason, by=by)
    now = timezone.now()
    CourseInvitation.objects.filter(
        participant=participant, cancelled_at__isnull=True, course__days__starts_at__gt=now
    ).update(cancelled_at=now)
    SessionInvitation.objects.filter(participant=participant, session__starts_at__gt=now).delete()
    withdrawal = Withdrawal.objects.create(
        participant=participant,
        withdrawn_on=withdrawn_on,
        reason=reason,
        initiated_by=initiated_by,
        data_choice=data_choice,
        recorded_by=by,
        pairs_ended=ended,
    )
    participant_statuses_refresh(participants=[participant])
    if participant.user_id:
        participant.user.is_active = False
        participant.user.save(update_fields=["is_active"])
    if data_choice == DataChoice.ERASE:
        # Everywhere, not only on the participant's own row: free text of other records, the
        # outbox and the audit trail (tod.privacy.erasure, which calls the function below).
        from tod.privacy.erasure import participant_erase

        participant_erase(participant=participant, by=by)
    return withdrawal


@transaction.atomic
def participant_erase_personal_data(*, participant: Participant, by) -> Participant:
    """The participant's own part of an erasure (use tod.privacy.erasure.participant_erase, which
    also cleans every other text and the audit trail): erase what identifies the participant
    (name, contact, address, free text about them), keep the year of birth, sex and the records
    the programme needs, and record that the evaluation consent is withdrawn so nothing of
    theirs enters evaluation data. Idempotent."""
    if participant.erased_at is not None:
        return participant
    participant.first_name = _("Erased")
    participant.last_name = f"#{participant.pk}"
    participant.date_of_birth = dt.date(participant.date_of_birth.year, 1, 1)
    participant.phone = ""
    participant.email = ""
    participant.address = ""
    participant.referred_by = ""
    participant.referral_note = ""
    participant.postcode = ""
    participant.erased_at = timezone.now()
    participant.save()
    participant.conversations.update(notes="")
    participant.screenings.update(notes="")
    text = ConsentText.objects.current(ConsentPurpose.EVALUATION)
    if text is not None:
        current = current_consents(participant)[ConsentPurpose.EVALUATION]
        if current is None or current.decision == ConsentDecision.GIVEN:
            Consent.objects.create(
                participant=participant,
                purpose=ConsentPurpose.EVALUATION,
                decision=ConsentDecision.WITHDRAWN,
                text=current.text if current else text,
                decided_on=timezone.localdate(),
                method=current.method if current else "written",
                recorded_by=by,
                note=_("Withdrawn with the erasure of personal data."),
            )
    return participant


# --- Training --------------------------------------------------------------------------------


@transaction.atomic
def course_create(
    *,
    site,
    round,
    name: str,
    trainer: str,
    capacity: int,
    days: list[tuple[dt.datetime, dt.datetime, str]],
    by,
) -> Course:
    """Create a course with its two mandatory days [(starts_at, ends_at, place), ...]."""
    if len(days) != 2:
        raise ValidationError(_("A course has two days."))
    course = Course.objects.create(
        site=site, round=round, name=name, trainer=trainer, capacity=capacity, created_by=by
    )
    for number, (starts_at, ends_at, place) in enumerate(days, start=1):
        TrainingDay.objects.create(
            course=course, number=number, starts_at=starts_at, ends_at=ends_at, place=place
        )
    return course


@transaction.atomic
def course_invite(*, course: Course, participants: Iterable[Participant], by) -> int:
    """Invite supporters to a course. Only supporters of the course's site with programme
    consent who have not withdrawn; never beyond the capacity. Idempotent per supporter
    (a cancelled invitation is renewed). Returns how many were newly invited."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    allowed = set(
        Participant.objects.filter(site=course.site_id)
        .supporters()
        .not_withdrawn()
        .with_programme_consent()
        .values_list("pk", flat=True)
    )
    wanted = [p for p in participants]
    refused = [p for p in wanted if p.pk not in allowed]
    if refused:
        raise ValidationError(
            _("Only supporters with programme consent can be invited: %(names)s")
            % {"names": ", ".join(p.full_name for p in refused)}
        )
    existing = {inv.participant_id: inv for inv in CourseInvitation.objects.filter(course=course)}
    active = sum(1 for inv in existing.values() if inv.cancelled_at is None)
    new = [p for p in wanted if p.pk not in existing or existing[p.pk].cancelled_at is not None]
    if active + len(new) > course.capacity:
        raise ValidationError(
            _("The course has room for %(capacity)s; %(taken)s are already invited.")
            % {"capacity": course.capacity, "taken": active}
        )
    for participant in new:
        invitation = existing.get(participant.pk)
        if invitation is not None:
            invitation.cancelled_at = None
            invitation.save(update_fields=["cancelled_at"])
        else:
            CourseInvitation.objects.create(course=course, participant=participant, invited_by=by)
    return len(new)


@transaction.atomic
def training_attendance_record(
    *, day: TrainingDay, attended: dict[int, bool], by, now: dt.datetime | None = None
) -> None:
    """Record who attended a course day ({participant id: attended}). Only for invited
    supporters and only once the day has started. A supporter who has now attended day 1 and
    day 2 (on any courses) becomes trained."""
    now = now or timezone.now()
    if not day.has_started(now):
        raise ValidationError(_("Attendance can be recorded once the day has started."))
    invited = set(
        CourseInvitation.objects.filter(
            course=day.course_id, cancelled_at__isnull=True
        ).values_list("participant_id", flat=True)
    )
    strangers = set(attended) - invited
    if strangers:
        raise ValidationError(_("Attendance can only be recorded for invited supporters."))
    for participant_id, was_there in attended.items():
        TrainingAttendance.objects.update_or_create(
            day=day,
            participant_id=participant_id,
            defaults={"attended": was_there, "recorded_by": by, "recorded_at": now},
        )
    participant_statuses_refresh(participants=list(attended))


# --- Supervision and network meetings --------------------------------------------------------


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
