"""Planning reminders and sweeping the outbox.

`outbox_plan` is the one way to create a reminder (other apps call it; idempotent on `key`);
`outbox_cancel_topic` cancels what is still pending about something (a cancelled meeting);
`outbox_sweep` sends what is due. See docs/adr/0002-outbox-reminders.md for the guarantees.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tod.accounts.models import User

from .channels import MessageRefused, SendingChannel, open_channels
from .messages import render
from .models import PENDING, Channel, ContactPreference, Reminder, ReminderStatus
from .sites import SiteSending, installation_sending, sending_for_sites

if TYPE_CHECKING:
    from tod.accounts.models import Site

logger = logging.getLogger("tod.outbox")

# Seconds to wait before retry n (1-based); after the last, the row is failed. All well below
# Redis's visibility timeout, though the wait lives in the database, never in the broker.
RETRY_BACKOFF = (60, 120, 240, 300)
MAX_ATTEMPTS = len(RETRY_BACKOFF) + 1


class Recipient(Protocol):
    """What the outbox reads of a participant it writes to: a programme.Participant, which the
    platform does not import."""

    @property
    def site(self) -> Site: ...
    @property
    def status(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def phone(self) -> Any: ...  # a PhoneNumber (phonenumber_field ships no types)
    @property
    def preferred_language(self) -> str: ...


def _default_language(recipient_user: User | None, recipient_participant: Recipient | None) -> str:
    if recipient_user is not None:
        return recipient_user.language or settings.LANGUAGE_CODE
    if recipient_participant is not None:
        return recipient_participant.preferred_language or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def reminder_spec(
    *,
    key: str,
    kind: str,
    channel: str,
    due_at: dt.datetime,
    recipient_user: User | None = None,
    recipient_participant: Recipient | None = None,
    context: dict[str, Any] | None = None,
    language: str | None = None,
    site: Site | None = None,
    topic: str = "",
) -> dict[str, Any]:
    """Validate one reminder to plan; `outbox_plan_many` takes a list of these."""
    if recipient_user is None and recipient_participant is None:
        raise ValueError("a reminder needs a recipient_user or a recipient_participant")
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    if site is None and recipient_participant is not None:
        site = recipient_participant.site
    return {
        "key": key,
        "kind": kind,
        "channel": channel,
        "due_at": due_at,
        "recipient_user": recipient_user,
        "recipient_participant": recipient_participant,
        "context": context or {},
        "language": language or _default_language(recipient_user, recipient_participant),
        "site": site,
        "topic": topic,
    }


@transaction.atomic
def outbox_plan_many(specs: Iterable[dict[str, Any]]) -> list[str]:
    """Plan many reminders in a few queries (see `outbox_plan`); returns their keys."""
    rows = {spec["key"]: spec for spec in specs}
    if not rows:
        return []
    existing = {
        reminder.key: reminder
        for reminder in Reminder.objects.select_for_update()
        .filter(key__in=list(rows))
        .only("key", "status", "due_at", "context")
    }
    now = timezone.now()
    new = [
        Reminder(created_at=now, updated_at=now, **spec)
        for key, spec in rows.items()
        if key not in existing
    ]
    if new:
        # A concurrent planner may insert the same key first: its row wins, nothing doubles.
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
    changed = []
    for key, reminder in existing.items():
        spec = rows[key]
        if reminder.status not in (*PENDING, ReminderStatus.CANCELLED):
            continue  # sent or failed: never touched again
        if (
            reminder.due_at != spec["due_at"]
            or reminder.context != spec["context"]
            or reminder.status == ReminderStatus.CANCELLED
        ):
            reminder.due_at, reminder.context = spec["due_at"], spec["context"]
            reminder.status, reminder.last_error, reminder.updated_at = (
                ReminderStatus.QUEUED,
                "",
                now,
            )
            changed.append(reminder)
    if changed:
        Reminder.objects.bulk_update(
            changed, ["due_at", "context", "status", "last_error", "updated_at"]
        )
    return list(rows)


@transaction.atomic
def outbox_plan(
    *,
    key: str,
    kind: str,
    channel: str,
    due_at: dt.datetime,
    recipient_user: User | None = None,
    recipient_participant: Recipient | None = None,
    context: dict[str, Any] | None = None,
    language: str | None = None,
    site: Site | None = None,
    topic: str = "",
) -> Reminder:
    """Plan one reminder. Idempotent on `key`: planning it again returns the same row.

    Arguments: key, kind, channel, due_at (aware), recipient_user or recipient_participant,
    context (plain values: when, place, url), language (default: the recipient's), site, topic.
    Re-planning a row that is still pending (or was cancelled) updates its due time and context,
    so callers can simply plan again after a change. A sent or failed row is never touched: a
    reminder never goes out twice under one key.
    """
    spec = reminder_spec(
        key=key,
        kind=kind,
        channel=channel,
        due_at=due_at,
        recipient_user=recipient_user,
        recipient_participant=recipient_participant,
        context=context,
        language=language,
        site=site,
        topic=topic,
    )
    outbox_plan_many([spec])
    return Reminder.objects.get(key=spec["key"])


def user_channels(user: User) -> list[str]:
    """The channels a user wants reminders by (e-mail when they never said)."""
    try:
        preference = user.contact_preference
    except ContactPreference.DoesNotExist:
        return [Channel.EMAIL]
    return [channel for channel in Channel.values if preference.allows(channel)]


def user_specs(*, key: str, user: User, **fields: Any) -> list[dict[str, Any]]:
    """One reminder spec per channel the user chose; keys get the channel appended."""
    return [
        reminder_spec(key=f"{key}:{channel}", channel=channel, recipient_user=user, **fields)
        for channel in user_channels(user)
    ]


@transaction.atomic
def outbox_plan_for_user(*, key: str, user: User, **fields: Any) -> list[Reminder]:
    """Plan a reminder to a user on each channel they chose; keys get the channel appended."""
    keys = outbox_plan_many(user_specs(key=key, user=user, **fields))
    return list(Reminder.objects.filter(key__in=keys))


@transaction.atomic
def outbox_cancel_topic(*, topic: str, reason: str = "", exclude_keys: Iterable[str] = ()) -> int:
    """Cancel every pending reminder about `topic` (sent ones stay as they were)."""
    return outbox_cancel_topics(topics=[topic], reason=reason, exclude_keys=exclude_keys)


@transaction.atomic
def outbox_cancel_topics(
    *, topics: Iterable[str], reason: str = "", exclude_keys: Iterable[str] = ()
) -> int:
    """Cancel every pending reminder about any of `topics`, except `exclude_keys`."""
    return (
        Reminder.objects.pending()
        .filter(topic__in=list(topics))
        .exclude(key__in=list(exclude_keys))
        .update(status=ReminderStatus.CANCELLED, last_error=reason, updated_at=timezone.now())
    )


# --- The sweep ------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    postponed: int = 0
    batches: int = 0
    sent_keys: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.cancelled + self.postponed

    def __iadd__(self, other: SweepResult) -> SweepResult:
        for name in ("sent", "retried", "failed", "cancelled", "postponed", "batches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.sent_keys += other.sent_keys
        return self


def _participant_of(reminder: Reminder) -> Recipient | None:
    if reminder.recipient_participant_id:
        return reminder.recipient_participant
    if reminder.recipient_user is None:
        return None
    try:
        return reminder.recipient_user.participant
    except Exception:  # RelatedObjectDoesNotExist: a user without a participant record
        return None


def _preference_of(user: User) -> ContactPreference | None:
    try:
        return user.contact_preference
    except Exception:  # RelatedObjectDoesNotExist: the default, e-mail only
        return None


def _address(reminder: Reminder, participant: Recipient | None) -> str:
    user = reminder.recipient_user
    if reminder.channel == Channel.EMAIL:
        if user is not None and user.email:
            return user.email
        return participant.email if participant is not None else ""
    if participant is not None and participant.phone:
        return str(participant.phone)
    return ""


def _name(reminder: Reminder, participant: Recipient | None) -> str:
    if reminder.recipient_user is not None and reminder.recipient_user.first_name:
        return reminder.recipient_user.first_name
    return participant.first_name if participant is not None else ""


def quiet_until(moment: dt.datetime, sending: SiteSending | None = None) -> dt.datetime | None:
    """The end of the quiet hours (no SMS at night) `moment` falls in, else None. The hours are
    the site's (`sending`), local time; they may run past midnight (21:00 to 08:00) or not
    (12:00 to 13:00)."""
    sending = sending or installation_sending()
    start, end = sending.quiet_from, sending.quiet_to
    local = timezone.localtime(moment)
    now = local.time()
    if start == end:
        return None
    if start < end:
        quiet, day = start <= now < end, local.date()
    else:
        quiet = now >= start or now < end
        day = local.date() if now < end else local.date() + dt.timedelta(days=1)
    if not quiet:
        return None
    return timezone.make_aware(dt.datetime.combine(day, end))


SWEEP_FIELDS = (
    "key",
    "kind",
    "channel",
    "language",
    "context",
    "status",
    "attempts",
    "due_at",
    "recipient_user_id",
    "recipient_participant_id",
    "site_id",
)


def _attach_recipients(rows: list[Reminder]) -> None:
    """Load each batch's recipients once (reminders cluster on few people), with only what the
    sweep reads: two queries per batch instead of a wide join per row."""
    user_ids = {row.recipient_user_id for row in rows if row.recipient_user_id}
    participant_ids = {row.recipient_participant_id for row in rows if row.recipient_participant_id}
    users = {}
    if user_ids:
        users = {
            user.pk: user
            for user in User.objects.filter(pk__in=user_ids)
            .select_related("participant", "contact_preference")
            .only(
                "email",
                "first_name",
                "is_active",
                "language",
                "participant__status",
                "participant__email",
                "participant__phone",
                "participant__first_name",
                "contact_preference__email",
                "contact_preference__sms",
            )
        }
    participants = {}
    if participant_ids:
        # A recipient without a login: settings.PARTICIPANT_MODEL (tod names it, never imports it).
        recipients = apps.get_model(settings.PARTICIPANT_MODEL)._default_manager
        participants = {
            participant.pk: participant
            for participant in recipients.filter(pk__in=participant_ids).only(
                "status", "email", "phone", "first_name", "preferred_language"
            )
        }
    for row in rows:
        if row.recipient_user_id:
            row.recipient_user = users.get(row.recipient_user_id)
        if row.recipient_participant_id:
            row.recipient_participant = participants.get(row.recipient_participant_id)


def _sweep_batch(
    *, now: dt.datetime, batch_size: int, channels: dict[str, SendingChannel]
) -> SweepResult:
    """Take up to batch_size due rows and handle each in its own short transaction.

    The batch is read once with its recipients (a few queries), then each row is claimed alone
    (FOR UPDATE SKIP LOCKED, re-checking that it is still due), sent, and marked before its own
    commit. So a concurrent sweep skips the row while it is being sent and never sends it again,
    and a process that dies between a provider accepting a message and that row's commit leaves
    exactly one row unmarked: it is due again for the next sweep, and at most that one message
    goes out twice per crashed worker (with the same key as its reference, which lets a provider
    that deduplicates drop it). Committing a whole batch at once would resend up to the batch.
    """
    with transaction.atomic():
        # Skip rows another sweep is sending right now (their locks are released at once here;
        # each row is claimed again below, alone).
        candidates = list(
            Reminder.objects.due(now)
            .only(*SWEEP_FIELDS)
            .select_for_update(skip_locked=True)
            .order_by("due_at", "id")[:batch_size]
        )
    if not candidates:
        return SweepResult()
    _attach_recipients(candidates)
    sending = sending_for_sites({row.site_id for row in candidates if row.site_id})
    result = SweepResult(batches=1)
    for candidate in candidates:
        with transaction.atomic():
            reminder = (
                Reminder.objects.due(now)
                .only(*SWEEP_FIELDS)
                .select_for_update(skip_locked=True)
                .filter(pk=candidate.pk)
                .first()
            )
            if reminder is None:
                continue  # another sweep took it, or it was cancelled or moved meanwhile
            if reminder.recipient_user_id == candidate.recipient_user_id:
                reminder.recipient_user = candidate.recipient_user
            if reminder.recipient_participant_id == candidate.recipient_participant_id:
                reminder.recipient_participant = candidate.recipient_participant
            result += _sweep_one(
                reminder,
                now=now,
                channels=channels,
                sending=sending.get(reminder.site_id) or sending[None],
            )
    return result


def _sweep_one(
    reminder: Reminder,
    *,
    now: dt.datetime,
    channels: dict[str, SendingChannel],
    sending: SiteSending | None = None,
) -> SweepResult:
    """Send one claimed row, or cancel, postpone, fail or retry it; record the outcome. The
    row's site decides its quiet hours and SMS sender (`sending`)."""
    sending = sending or installation_sending()
    participant = _participant_of(reminder)
    user = reminder.recipient_user
    reason = ""
    if participant is not None and participant.status == "withdrawn":
        reason = "recipient withdrawn from the programme"
    elif user is not None and not user.is_active:
        reason = "recipient's account is inactive"
    elif user is not None:
        preference = _preference_of(user)
        allowed = (
            preference.allows(reminder.channel)
            if preference is not None
            else reminder.channel == Channel.EMAIL
        )
        if not allowed:
            reason = "recipient does not want this channel"
    if reason:
        _finish(reminder, ReminderStatus.CANCELLED, now, error=reason)
        return SweepResult(cancelled=1)
    if reminder.channel == Channel.SMS:
        quiet_end = quiet_until(now, sending)
        if quiet_end is not None:
            reminder.due_at = quiet_end
            reminder.updated_at = now
            reminder.save(update_fields=["due_at", "updated_at"])
            return SweepResult(postponed=1)
    address = _address(reminder, participant)
    if not address:
        _finish(reminder, ReminderStatus.FAILED, now, error="no address for this channel")
        return SweepResult(failed=1)
    try:
        message = render(reminder, name=_name(reminder, participant), sender=sending.sms_sender)
        provider_id = channels[reminder.channel].send(
            reminder=reminder, address=address, message=message
        )
    except Exception as exc:  # any channel failure is stored on the row and retried
        attempts = reminder.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:1000]
        logger.warning("reminder %s failed (attempt %s): %s", reminder.key, attempts, error)
        # A refused message (too long, no valid number, a gateway's "bad request") would be
        # refused again: it fails at once with the reason.
        if attempts >= MAX_ATTEMPTS or isinstance(exc, MessageRefused):
            _finish(reminder, ReminderStatus.FAILED, now, error=error, attempts=attempts)
            return SweepResult(failed=1)
        reminder.attempts = attempts
        reminder.status = ReminderStatus.RETRY
        reminder.due_at = now + dt.timedelta(seconds=RETRY_BACKOFF[attempts - 1])
        reminder.last_error = error
        reminder.updated_at = now
        reminder.save(update_fields=["attempts", "status", "due_at", "last_error", "updated_at"])
        return SweepResult(retried=1)
    # Accepted: marked in the same transaction as the claim, committed before the next send.
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.SENT,
        sent_at=now,
        provider_message_id=str(provider_id or "")[:100],
        attempts=F("attempts") + 1,
        last_error="",
        updated_at=now,
    )
    return SweepResult(sent=1, sent_keys=[reminder.key])


def _finish(
    reminder: Reminder,
    status: str,
    now: dt.datetime,
    *,
    error: str = "",
    attempts: int | None = None,
) -> None:
    reminder.status = status
    reminder.last_error = error
    reminder.updated_at = now
    if attempts is not None:
        reminder.attempts = attempts
    reminder.save(update_fields=["status", "last_error", "updated_at", "attempts"])


def outbox_sweep(
    *, batch_size: int = 100, max_seconds: float | None = 50.0, now: dt.datetime | None = None
) -> SweepResult:
    """Send every due reminder, batch by batch, until none is due (or max_seconds passed).

    Safe to run in any number of processes at once (rows are claimed with SKIP LOCKED) and to
    run again at any time: a sent row is never sent again.
    """
    started = timezone.now()
    result = SweepResult()
    channels = open_channels()
    for channel in channels.values():
        channel.open()
    try:
        while True:
            moment = now or timezone.now()
            batch = _sweep_batch(now=moment, batch_size=batch_size, channels=channels)
            if not batch.batches:
                break
            result += batch
            if max_seconds is not None and (timezone.now() - started).total_seconds() > max_seconds:
                break
    finally:
        for channel in channels.values():
            channel.close()
    return result
