"""Every change of a pair's status, from the proposal to its end, in one module.

Each service checks the step against the pair's state machine (`Pair.move`, the table
`logbooks.models.pairs.PAIR_STEPS`), so an illegal step is refused with a clear ValidationError
whichever page or task asks for it. The matching app proposes (scores, runs, proposals, rules);
the pairs themselves are made and changed only here (ADR 0009).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import MatchProposal, MatchRule, MatchRun, MatchSurvey, RuleKind, RuleSource
from matching.services import check_pairable, pairing_explain, rule_set
from programme.models import Participant
from programme.status import participant_statuses_refresh

from ..models import (
    DEFAULT_MEETING_TIME,
    OPEN_STATUSES,
    Answer,
    CancelledBy,
    CancelReason,
    Meeting,
    MeetingPlan,
    MeetingStatus,
    Pair,
    PairStatus,
    Pause,
)
from .reminders import _pair_meetings, _sync_all, local_datetime, plan_dates

logger = logging.getLogger("logbooks.services")


# --- From the proposal to the match meeting -------------------------------------------------------


def _check_free(peer: Participant, supporter: Participant, *, ignore: Pair | None = None) -> None:
    """The peer has no open or completed pair, the supporter a free place, and the pairing was
    neither forbidden, refused nor ended before."""
    others = Pair.objects.open()
    if ignore is not None:
        others = others.exclude(pk=ignore.pk)
    if others.filter(peer=peer).exists():
        raise ValidationError(_("This peer already has a supporter."))
    if Pair.objects.filter(peer=peer, status=PairStatus.COMPLETED).exists():
        raise ValidationError(_("This peer has completed the programme."))
    survey = MatchSurvey.objects.filter(participant=supporter, is_current=True).first()
    capacity = survey.capacity if survey else 1
    if others.filter(supporter=supporter).count() >= capacity:
        raise ValidationError(_("This supporter has no free place."))
    excluded = (
        MatchRule.objects.filter(peer=peer, supporter=supporter, kind=RuleKind.FORBID).exists()
        or Pair.objects.filter(
            peer=peer, supporter=supporter, status__in=(PairStatus.ENDED, PairStatus.REFUSED)
        ).exists()
    )
    if excluded:
        raise ValidationError(
            _("This pair is excluded: it was forbidden, refused or ended before.")
        )


@transaction.atomic
def pair_propose(
    *, peer: Participant, supporter: Participant, by, proposal: MatchProposal | None = None
) -> Pair:
    """Put a pair to both parties (status proposed): the solver's proposal or the manager's own
    choice. Stores the score, the explanation and the number of sociodemographic similarities
    as they are now (evaluation data). Refuses a pair that a hard constraint excludes."""
    check_pairable(peer, supporter)
    # Lock both (in id order, so two managers cannot deadlock) before checking they are free.
    locked = Participant.objects.select_for_update().filter(pk__in=[peer.pk, supporter.pk])
    list(locked.order_by("pk").values_list("pk", flat=True))
    _check_free(peer, supporter)
    explanation, peer_survey, supporter_survey = pairing_explain(peer, supporter)
    if not explanation:
        raise ValidationError(_("Both need a match survey first."))
    if explanation["exclusions"]:
        raise ValidationError(_("A requirement of one of them excludes this pair."))
    pair = Pair.objects.create(
        site_id=peer.site_id,
        round_id=peer.round_id or supporter.round_id,
        peer=peer,
        supporter=supporter,
        status=PairStatus.PROPOSED,
        score=explanation["total"],
        similarities=explanation["similarities"],
        explanation=explanation,
        peer_survey=peer_survey,
        supporter_survey=supporter_survey,
        proposal=proposal,
        formed_by=by,
    )
    MatchRule.objects.filter(peer=peer, kind=RuleKind.LOCK).delete()
    logger.info("pair %s proposed by %s", pair.pk, getattr(by, "pk", None))
    return pair


def proposals_accept_all(*, run: MatchRun, by) -> int:
    """Propose to both parties every pair of the run whose peer and supporter are still free.
    Each pair is its own transaction; pairs that no longer fit (the peer was paired since, a
    survey changed so that a requirement excludes the pair) are skipped. Returns how many."""
    created = 0
    for proposal in run.proposals.select_related("peer", "supporter").order_by("id"):
        try:
            pair_propose(peer=proposal.peer, supporter=proposal.supporter, proposal=proposal, by=by)
        except ValidationError:
            continue
        created += 1
    return created


@transaction.atomic
def pair_answer_record(*, pair: Pair, side: str, agreed: bool, by, reason: str = "") -> Pair:
    """Record the peer's or the supporter's answer to a proposed pair.

    Both agreeing makes the pair agreed (ready for the match meeting). A refusal, with its
    reason, closes the pair (refused), excludes that pairing from every later proposal and
    returns the peer to the pool.
    """
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if side not in ("peer", "supporter"):
        raise ValidationError(_("Unknown side."))
    if pair.can("answer") and not agreed and not reason.strip():
        raise ValidationError(_("Give the reason for refusing."))
    answer = Answer.AGREED if agreed else Answer.REFUSED
    peer_answer = answer if side == "peer" else pair.peer_answer
    supporter_answer = answer if side == "supporter" else pair.supporter_answer
    if not agreed:
        pair.move("answer", PairStatus.REFUSED)
        pair.ended_on = timezone.localdate()
        who = _("the peer") if side == "peer" else _("the supporter")
        pair.refusal_reason = f"{reason.strip()} ({who})"
        rule_set(
            peer=pair.peer,
            supporter=pair.supporter,
            kind=RuleKind.FORBID,
            reason=pair.refusal_reason,
            source=RuleSource.REFUSAL,
            by=by,
        )
    elif peer_answer == Answer.AGREED and supporter_answer == Answer.AGREED:
        pair.move("answer", PairStatus.AGREED)
    else:
        pair.move("answer", PairStatus.PROPOSED)
    setattr(pair, f"{side}_answer", answer)
    pair.save()
    return pair


@transaction.atomic
def pair_match_meeting_schedule(*, pair: Pair, at: dt.datetime, place: str, by) -> Pair:
    """Plan the match meeting of an agreed pair (can be moved until it is held)."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    pair.move("schedule", PairStatus.AGREED)
    pair.match_meeting_at = at
    pair.match_meeting_place = place
    pair.save(update_fields=["match_meeting_at", "match_meeting_place"])
    return pair


@transaction.atomic
def pair_match_meeting_record(
    *,
    pair: Pair,
    held_on: dt.date,
    expectations: str,
    wishes: str,
    by,
    weekday: int | None = None,
    time: dt.time | None = None,
    place: str = "",
) -> Pair:
    """Record the held match meeting with both parties' expectations and wishes; the pair
    becomes active with its plan of biweekly meetings (`pair_start`)."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    pair.require("start")
    pair.match_meeting_held_on = held_on
    pair.expectations = expectations
    pair.wishes = wishes
    pair.save(update_fields=["match_meeting_held_on", "expectations", "wishes"])
    return pair_start(
        pair=pair, match_meeting_on=held_on, by=by, weekday=weekday, time=time, place=place
    )


# --- The running pair ----------------------------------------------------------------------------


@transaction.atomic
def pair_start(
    *,
    pair: Pair,
    match_meeting_on: dt.date,
    by,
    weekday: int | None = None,
    time: dt.time | None = None,
    place: str = "",
    peer_sms_reminders: bool = False,
) -> Pair:
    """Make an agreed pair active from its match meeting: its plan of 13 meetings, every second
    week at the weekday/time/place the pair chose, and their reminders. Idempotent: a pair that
    already has a plan keeps it."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if MeetingPlan.objects.filter(pair=pair).exists():
        return pair
    pair.move("start", PairStatus.ACTIVE)
    weekday = match_meeting_on.weekday() if weekday is None else weekday
    time = time or DEFAULT_MEETING_TIME
    MeetingPlan.objects.create(
        pair=pair,
        match_meeting_on=match_meeting_on,
        weekday=weekday,
        time=time,
        place=place,
        peer_sms_reminders=peer_sms_reminders,
    )
    Meeting.objects.bulk_create(
        Meeting(pair=pair, sequence=number, planned_at=local_datetime(day, time), place=place)
        for number, day in enumerate(plan_dates(match_meeting_on, weekday), start=1)
    )
    pair.started_on = match_meeting_on
    pair.save(update_fields=["status", "started_on"])
    participant_statuses_refresh(participants=[pair.peer_id, pair.supporter_id])
    _sync_all(_pair_meetings(pair))
    logger.info("pair %s started by %s", pair.pk, getattr(by, "pk", None))
    return pair


def _check_outcomes_recorded(pair: Pair, now: dt.datetime) -> None:
    """A pair completes only with at least one held meeting and an outcome recorded for every
    meeting that was due: a completed pair is a case the evaluation reads as having run its
    course, so it must say what happened."""
    meetings = pair.meetings.all()
    missing = meetings.filter(status=MeetingStatus.PLANNED, planned_at__lt=now).count()
    if missing or not meetings.filter(status=MeetingStatus.HELD).exists():
        raise ValidationError(
            _(
                "The pair cannot be completed: %(missing)s. Record the meetings' outcomes, "
                "or end the pair early with a reason."
            )
            % {
                "missing": ngettext(
                    "%(count)s meeting has no outcome recorded",
                    "%(count)s meetings have no outcome recorded",
                    missing,
                )
                % {"count": missing}
                if missing
                else _("no meeting was held")
            }
        )


@transaction.atomic
def pair_end(
    *,
    pair: Pair,
    by,
    reason: str = "",
    completed: bool = False,
    step: str | None = None,
    on: dt.date | None = None,
) -> Pair:
    """End a pair: completed after six months (step "complete"), or ended early with a reason
    (step "end"; "substitute" when a substitute supporter takes over). Planned meetings from
    now on (from the start of `on`, a past day the pair ended, when it is recorded afterwards)
    are cancelled with their reminders. Idempotent: an ended or completed pair is returned as
    it is."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if pair.status in (PairStatus.COMPLETED, PairStatus.ENDED):
        return pair
    now = timezone.now()
    step = step or ("complete" if completed else "end")
    pair.require(step)
    if step == "complete":
        _check_outcomes_recorded(pair, now)
    pair.move(step, PairStatus.COMPLETED if step == "complete" else PairStatus.ENDED)
    pair.ended_on = on or timezone.localdate()
    pair.end_reason = reason
    pair.save(update_fields=["status", "ended_on", "end_reason"])
    participant_statuses_refresh(participants=[pair.peer_id, pair.supporter_id])
    Pause.objects.filter(pair=pair, ends_on__isnull=True).update(ends_on=pair.ended_on)
    since = min(now, _day_start(on)) if on else now
    future = pair.meetings.filter(status=MeetingStatus.PLANNED, planned_at__gte=since)
    future.update(
        status=MeetingStatus.CANCELLED,
        cancelled_by=CancelledBy.PROGRAMME,
        cancel_reason=CancelReason.PAIR_ENDED,
        recorded_by=by,
        recorded_at=now,
    )
    _sync_all(_pair_meetings(pair))
    return pair


def pair_complete(*, pair: Pair, by) -> Pair:
    return pair_end(pair=pair, by=by, completed=True)


def pairs_end_for_withdrawal(*, participant: Participant, reason: str, by) -> int:
    """Programme's withdrawal reaction (registered in LogbooksConfig.ready): end every open
    pair of the participant, as peer or supporter. Returns how many ended."""
    mine = Pair.objects.filter(Q(peer=participant) | Q(supporter=participant))
    ended = 0
    for pair in mine.filter(status__in=OPEN_STATUSES).order_by("pk"):
        pair_end(pair=pair, by=by, reason=_("Withdrawal: %(reason)s") % {"reason": reason})
        ended += 1
    return ended


@transaction.atomic
def pair_pause(*, pair: Pair, by, starts_on: dt.date | None = None, reason: str = "") -> Pause:
    """Pause an active pair (e.g. a hospital stay): meetings from `starts_on` wait, and their
    reminders are cancelled until the pair resumes."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    pair.move("pause", PairStatus.PAUSED)
    pause = Pause.objects.create(
        pair=pair, starts_on=starts_on or timezone.localdate(), reason=reason, created_by=by
    )
    pair.save(update_fields=["status"])
    _sync_all(_pair_meetings(pair))
    return pause


@transaction.atomic
def pair_resume(*, pair: Pair, by, resumes_on: dt.date | None = None) -> Pair:
    """Resume a paused pair and shift its remaining plan by the pause, in whole weeks so the
    weekday stays; reminders follow the meetings."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    pause = Pause.objects.filter(pair=pair, ends_on__isnull=True).first()
    resumes_on = resumes_on or timezone.localdate()
    if pause is None or resumes_on < pause.starts_on:
        raise ValidationError(_("Only a paused pair can resume, and not before the pause began."))
    pair.move("resume", PairStatus.ACTIVE)
    weeks = -(-(resumes_on - pause.starts_on).days // 7)  # rounded up
    pause.ends_on = resumes_on
    pause.save(update_fields=["ends_on"])
    pause_start = local_datetime(pause.starts_on, dt.time(0, 0))
    if weeks:
        for meeting in pair.meetings.filter(
            status=MeetingStatus.PLANNED, planned_at__gte=pause_start
        ):
            local = timezone.localtime(meeting.planned_at)
            meeting.planned_at = local_datetime(
                local.date() + dt.timedelta(weeks=weeks), local.time()
            )
            meeting.save(update_fields=["planned_at"])
    pair.save(update_fields=["status"])
    _sync_all(_pair_meetings(pair))
    return pair


# --- A substitute supporter continues the case ----------------------------------------------------


@transaction.atomic
def pair_substitute_supporter(
    *, pair: Pair, supporter: Participant, by, reason: str = "", on: dt.date | None = None
) -> Pair:
    """A substitute supporter continues the same case (in the study one supporter withdrew
    through ill health and another took over).

    Ends the pair (step "substitute") on `on` (today unless the manager records it afterwards),
    excludes that pairing from later proposals, and returns a new active pair of the same peer
    with `supporter` from that day, `previous_pair` pointing at the ended one (the same case)
    and its score and explanation stored; the meetings planned from that day move to the new
    pair (`pair_continue`). Refused for a day before the pair started, in the future, or before
    a meeting the first supporter held (those are theirs).
    """
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    on = on or timezone.localdate()
    if supporter.pk == pair.supporter_id:
        raise ValidationError(_("Choose another supporter."))
    if hasattr(pair, "continued_by"):
        raise ValidationError(_("This case has already been taken over."))
    _check_takeover_day(pair, on)
    check_pairable(pair.peer, supporter)
    ended = pair_end(
        pair=pair,
        by=by,
        reason=reason or _("A substitute supporter took over."),
        step="substitute",
        on=on,
    )
    _check_free(pair.peer, supporter, ignore=ended)
    rule_set(
        peer=pair.peer,
        supporter=pair.supporter,
        kind=RuleKind.FORBID,
        reason=ended.end_reason,
        source=RuleSource.PREVIOUS_PAIR,
        by=by,
    )
    explanation, peer_survey, supporter_survey = pairing_explain(pair.peer, supporter)
    successor = Pair.objects.create(
        site_id=pair.site_id,
        round_id=pair.round_id,
        peer=pair.peer,
        supporter=supporter,
        status=PairStatus.ACTIVE,
        started_on=on,
        score=explanation.get("total"),
        similarities=explanation.get("similarities"),
        explanation=explanation,
        peer_survey=peer_survey,
        supporter_survey=supporter_survey,
        formed_by=by,
        previous_pair=ended,
        root_pair_id=ended.case_key,
        peer_answer=Answer.AGREED,
        supporter_answer=Answer.AGREED,
        match_meeting_held_on=ended.match_meeting_held_on,
        expectations=ended.expectations,
        wishes=ended.wishes,
    )
    participant_statuses_refresh(participants=[successor.peer_id, successor.supporter_id])
    logger.info("pair %s continues %s, by %s", successor.pk, ended.pk, getattr(by, "pk", None))
    # The case goes on: the remaining meeting plan moves to the new supporter now, not at the
    # next hourly safety net.
    return pair_continue(pair=successor, by=by)


@transaction.atomic
def pair_continue(*, pair: Pair, by) -> Pair:
    """Move the remaining plan of a substituted pair to its successor: the same usual
    weekday/time/place, and every future meeting of the old pair (planned, or cancelled only
    because the pair ended) becomes a planned meeting of the new one, reminded to the new
    supporter. Held meetings and their logbooks stay with the old pair (the pair page shows the
    whole case). Idempotent; the hourly task catches any successor not yet continued."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    previous = getattr(pair, "previous_pair", None)
    if previous is None or MeetingPlan.objects.filter(pair=pair).exists():
        return pair
    old_plan = MeetingPlan.objects.filter(pair=previous).first()
    if old_plan is None:
        return pair
    MeetingPlan.objects.create(
        pair=pair,
        match_meeting_on=old_plan.match_meeting_on,
        weekday=old_plan.weekday,
        time=old_plan.time,
        place=old_plan.place,
        peer_sms_reminders=old_plan.peer_sms_reminders,
    )
    # The meetings from the day the substitute took over (today, or the day the manager
    # recorded afterwards), or from now for a successor without a start day.
    now = timezone.now()
    since = min(now, _day_start(pair.started_on)) if pair.started_on else now
    remaining = previous.meetings.filter(planned_at__gte=since).filter(
        Q(status=MeetingStatus.PLANNED)
        | Q(status=MeetingStatus.CANCELLED, cancel_reason=CancelReason.PAIR_ENDED)
    )
    moved = list(remaining.values_list("pk", flat=True))
    Meeting.objects.filter(pk__in=moved).update(
        pair=pair,
        status=MeetingStatus.PLANNED,
        cancelled_by="",
        cancel_reason="",
        cancel_note="",
        recorded_by=None,
        recorded_at=None,
    )
    if pair.status == PairStatus.ACTIVE and pair.started_on is None:
        pair.started_on = previous.started_on
        pair.save(update_fields=["started_on"])
    participant_statuses_refresh(participants=[pair.peer_id, pair.supporter_id])
    _sync_all(_pair_meetings(pair))
    logger.info("pair %s continues %s with %s meetings", pair.pk, previous.pk, len(moved))
    return pair


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, in the programme's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _check_takeover_day(pair: Pair, on: dt.date) -> None:
    if on > timezone.localdate():
        raise ValidationError(_("The day the substitute took over cannot be in the future."))
    if pair.started_on and on < pair.started_on:
        raise ValidationError(
            _("The substitute cannot take over before the pair started (%(day)s).")
            % {"day": date_format(pair.started_on, "SHORT_DATE_FORMAT")}
        )
    if pair.meetings.filter(status=MeetingStatus.HELD, held_on__gt=on).exists():
        raise ValidationError(
            _(
                "The first supporter held a meeting after that day: choose the day of their "
                "last meeting, or later."
            )
        )


def pairs_continue_substituted() -> int:
    """Successor pairs of a substitution that have no plan yet get the remaining plan."""
    waiting = Pair.objects.filter(
        previous_pair__isnull=False,
        meeting_plan__isnull=True,
        status__in=[PairStatus.ACTIVE, PairStatus.PAUSED],
    )
    count = 0
    for pair in waiting:
        pair_continue(pair=pair, by=None)
        count += 1
    return count
