"""Reads that combine several models: the recruitment funnel and a participant's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import Pair, PairStatus

from .models import (
    Consent,
    ConsentDecision,
    ConsentPurpose,
    Participant,
    ReferralChannel,
    Screening,
    ScreeningResult,
    TrainingAttendance,
    Withdrawal,
)

FUNNEL_STAGES = [
    ("referred", gettext_lazy("Referred")),
    ("screened", gettext_lazy("Screened")),
    ("eligible", gettext_lazy("Eligible")),
    ("consented", gettext_lazy("Consented")),
    ("trained", gettext_lazy("Trained")),
    ("matched", gettext_lazy("Matched")),
    ("completed", gettext_lazy("Completed")),
    ("withdrawn", gettext_lazy("Withdrawn")),
]
MATCHED_STATUSES = [
    PairStatus.AGREED,
    PairStatus.ACTIVE,
    PairStatus.PAUSED,
    PairStatus.COMPLETED,
    PairStatus.ENDED,
]


def _stage_counts(participants: QuerySet[Participant], group_by: str) -> dict:
    """{group value: {stage: count}} in one SQL query. A stage counts everyone who ever reached
    it (a withdrawn supporter who was trained counts as trained and as withdrawn)."""
    me = OuterRef("pk")
    attended = TrainingAttendance.objects.filter(participant=me, attended=True)
    in_pair = Q(peer=me) | Q(supporter=me)
    stage_filters = {
        "screened": Q(Exists(Screening.objects.filter(participant=me))),
        "eligible": Q(
            Exists(Screening.objects.filter(participant=me, result=ScreeningResult.ELIGIBLE))
        ),
        "consented": Q(
            Exists(
                Consent.objects.filter(
                    participant=me,
                    purpose=ConsentPurpose.PROGRAMME,
                    decision=ConsentDecision.GIVEN,
                )
            )
        ),
        "trained": Q(Exists(attended.filter(day__number=1)))
        & Q(Exists(attended.filter(day__number=2))),
        "matched": Q(Exists(Pair.objects.filter(in_pair, status__in=MATCHED_STATUSES))),
        "completed": Q(Exists(Pair.objects.filter(in_pair, status=PairStatus.COMPLETED))),
        "withdrawn": Q(Exists(Withdrawal.objects.filter(participant=me))),
    }
    aggregates = {"referred": Count("pk")}
    aggregates.update(
        {name: Count("pk", filter=condition) for name, condition in stage_filters.items()}
    )
    return {
        row[group_by]: row
        for row in participants.order_by().values(group_by).annotate(**aggregates).order_by()
    }


def funnel_by_channel(participants: QuerySet[Participant]) -> list[dict]:
    """How far the participants got, per referral channel, and in total, in one SQL query.
    'Trained' applies to supporters only."""
    rows = _stage_counts(participants, "referral_channel")
    result = []
    for value, label in ReferralChannel.choices:
        row = rows.get(value, {})
        result.append(
            {
                "channel": value,
                "label": label,
                **{name: row.get(name, 0) for name, _label in FUNNEL_STAGES},
            }
        )
    total = {"channel": "", "label": _("All channels")}
    for name, _label in FUNNEL_STAGES:
        total[name] = sum(row[name] for row in result)
    result.append(total)
    return result


def funnel_by_round(participants: QuerySet[Participant], rounds) -> list[dict]:
    """The same stages per round, so a site can compare its rounds (one SQL query)."""
    rows = _stage_counts(participants, "round")
    return [
        {
            "round": round_,
            **{name: rows.get(round_.pk, {}).get(name, 0) for name, _l in FUNNEL_STAGES},
        }
        for round_ in rounds
    ]


@dataclass
class Event:
    when: dt.datetime | dt.date
    title: str
    detail: str = ""
    kind: str = ""

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.when, dt.datetime):
            return timezone.localtime(self.when).replace(tzinfo=None)
        return dt.datetime.combine(self.when, dt.time.min)


def participant_timeline(participant: Participant) -> list[Event]:
    """Everything that happened to a participant, oldest first, in a fixed number of queries."""
    events = [
        Event(
            participant.created_at,
            _("Referred through %(channel)s")
            % {"channel": participant.get_referral_channel_display()},
            participant.referred_by,
            "referral",
        )
    ]
    for conversation in participant.conversations.select_related("held_by"):
        events.append(
            Event(
                conversation.held_on,
                _("Initial conversation with %(name)s") % {"name": conversation.held_by},
                conversation.notes,
                "conversation",
            )
        )
    for screening in participant.screenings.select_related("screened_by"):
        detail = ", ".join(screening.failed_criteria())
        if screening.is_overridden:
            detail = _("Overridden from %(derived)s: %(reason)s") % {
                "derived": screening.get_derived_result_display(),
                "reason": screening.override_reason,
            }
        events.append(
            Event(
                screening.screened_on,
                _("Screened by %(name)s: %(result)s")
                % {"name": screening.screened_by, "result": screening.get_result_display()},
                detail,
                "screening",
            )
        )
    for consent in participant.consents.select_related("text", "recorded_by"):
        events.append(
            Event(
                consent.decided_on,
                _("Consent to %(purpose)s: %(decision)s")
                % {
                    "purpose": consent.get_purpose_display().lower(),
                    "decision": consent.get_decision_display().lower(),
                },
                _("Text version %(version)s, %(method)s, recorded by %(name)s")
                % {
                    "version": consent.text.version,
                    "method": consent.get_method_display().lower(),
                    "name": consent.recorded_by,
                },
                "consent",
            )
        )
    for invitation in participant.course_invitations.select_related("course"):
        events.append(
            Event(
                invitation.invited_at,
                _("Invited to the course %(course)s") % {"course": invitation.course.name},
                _("Cancelled") if invitation.cancelled_at else "",
                "training",
            )
        )
    for attendance in participant.training_attendance.select_related("day__course"):
        events.append(
            Event(
                attendance.day.starts_at,
                _("%(day)s of %(course)s: %(attended)s")
                % {
                    "day": attendance.day.get_number_display(),
                    "course": attendance.day.course.name,
                    "attended": _("attended") if attendance.attended else _("absent"),
                },
                "",
                "training",
            )
        )
    for invitation in participant.session_invitations.select_related("session"):
        state = {True: _("attended"), False: _("absent"), None: _("invited")}[invitation.attended]
        events.append(
            Event(
                invitation.session.starts_at,
                f"{invitation.session.get_kind_display()}: {state}",
                invitation.session.place,
                "session",
            )
        )
    pairs = Pair.objects.filter(Q(peer=participant) | Q(supporter=participant)).select_related(
        "peer", "supporter"
    )
    for pair in pairs:
        events.append(
            Event(
                pair.created_at,
                _("Pair %(pair)s: %(status)s")
                % {"pair": pair, "status": pair.get_status_display()},
                pair.end_reason,
                "pair",
            )
        )
    withdrawal = Withdrawal.objects.filter(participant=participant).first()
    if withdrawal is not None:
        events.append(
            Event(
                withdrawal.withdrawn_on,
                _("Withdrew (%(initiator)s)")
                % {"initiator": withdrawal.get_initiated_by_display().lower()},
                f"{withdrawal.reason} · {withdrawal.get_data_choice_display()}",
                "withdrawal",
            )
        )
    return sorted(events, key=lambda event: event.sort_key)
