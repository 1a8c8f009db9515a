"""Reads that combine several models: the recruitment funnel and a participant's timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from .models import (
    Background,
    Consent,
    ConsentDecision,
    ConsentPurpose,
    ConsentText,
    CourseInvitation,
    InitialConversation,
    Kind,
    Participant,
    ReferralChannel,
    Round,
    Screening,
    ScreeningResult,
    SessionInvitation,
    SessionKind,
    TrainingAttendance,
    TrainingDay,
    Withdrawal,
    purposes_for,
)
from .registries import timeline_sources
from .status import pair_stage_filters

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


def _stage_counts(participants: QuerySet[Participant], group_by: str) -> dict:
    """{group value: {stage: count}} in one SQL query. A stage counts everyone who ever reached
    it (a withdrawn supporter who was trained counts as trained and as withdrawn)."""
    me = OuterRef("pk")
    attended = TrainingAttendance.objects.filter(participant=me, attended=True)
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
        "trained": Q(kind=Kind.SUPPORTER)
        & Q(Exists(attended.filter(day__number=1)))
        & Q(Exists(attended.filter(day__number=2))),
        **pair_stage_filters(me),
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


def funnel_by_round(
    participants: QuerySet[Participant], rounds: Iterable[Round]
) -> list[dict[str, Any]]:
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


class DetailFlags(TypedDict):
    """What `participant_detail_queryset` annotates a participant with."""

    has_duplicate: bool
    eligible: bool


def participant_detail_queryset() -> QuerySet[WithAnnotations[Participant, DetailFlags]]:
    """Participants with what their page shows fetched alongside: site, round, withdrawal,
    whether the matching may use them, whether a twin exists, and their consents (each with the
    newest text of its purpose), screenings and initial conversations."""
    eligible = Case(
        When(
            kind=Kind.SUPPORTER,
            then=Exists(Participant.objects.eligible_supporters().filter(pk=OuterRef("pk"))),
        ),
        default=Exists(Participant.objects.eligible_peers().filter(pk=OuterRef("pk"))),
        output_field=BooleanField(),
    )
    newest_text = (
        ConsentText.objects.filter(site=OuterRef("text__site"), purpose=OuterRef("purpose"))
        .order_by("-version")
        .values("pk")
    )
    # with_duplicate_flag() is an untyped QuerySet method: the annotations are named here.
    detail: QuerySet[WithAnnotations[Participant, DetailFlags]] = (
        Participant.objects.select_related(
            "site", "round__site", "withdrawal", "user", "background"
        )
        .with_duplicate_flag()
        .annotate(eligible=eligible)
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("text", "recorded_by").annotate(
                    newest_text_id=Subquery(newest_text[:1])
                ),
            ),
            Prefetch("screenings", queryset=Screening.objects.select_related("screened_by")),
            Prefetch(
                "conversations", queryset=InitialConversation.objects.select_related("held_by")
            ),
        )
    )
    return detail


def participant_background(participant: Participant) -> Background | None:
    """The participant's background (ADR 0013), None when none is recorded."""
    try:
        return participant.background
    except Background.DoesNotExist:
        return None


def participant_withdrawal(participant: Participant) -> Withdrawal | None:
    try:
        return participant.withdrawal
    except Withdrawal.DoesNotExist:
        return None


def _outdated(consent: Consent | None) -> bool:
    """The consent was recorded on an older text than its purpose's newest (`newest_text_id`,
    annotated on the consents participant_detail_queryset prefetches)."""
    newest: int | None = getattr(consent, "newest_text_id", None)
    return consent is not None and newest is not None and consent.text_id != newest


def participant_page(participant: WithAnnotations[Participant, DetailFlags]) -> dict[str, Any]:
    """What the participant page shows besides the participant, from a participant of
    participant_detail_queryset(): two more queries (the timeline's), three with twins."""
    purposes = purposes_for(participant.kind)
    current: dict[str, Consent | None] = {purpose: None for purpose in purposes}
    for consent in sorted(participant.consents.all(), key=lambda c: (c.recorded_at, c.id)):
        current[consent.purpose] = consent
    consents = [
        {
            "purpose": purpose.label,
            "consent": current[purpose],
            "outdated": _outdated(current[purpose]),
        }
        for purpose in purposes
    ]
    programme_consent = current[ConsentPurpose.PROGRAMME]
    duplicates = (
        Participant.objects.possible_duplicates_of(
            site=participant.site,
            first_name=participant.first_name,
            last_name=participant.last_name,
            born=participant.date_of_birth,
            exclude=participant.pk,
        )
        if participant.has_duplicate
        else Participant.objects.none()
    )
    screenings = participant.screenings.all()
    return {
        "timeline": participant_timeline(participant),
        "screening": screenings[0] if screenings else None,
        "consents": consents,
        "duplicates": duplicates,
        "withdrawal": participant_withdrawal(participant),
        "background": participant_background(participant),
        "eligible": participant.eligible,
        "consent_withdrawn": programme_consent is not None
        and programme_consent.decision == ConsentDecision.WITHDRAWN,
    }


def _training_and_sessions(participant: Participant) -> list[tuple]:
    """The participant's course invitations, training days and session invitations in one
    query: (source, id, when, name, number, attended, cancelled_at, place) rows."""
    columns = ("ev_source", "id", "ev_when", "ev_name", "ev_number", "ev_flag", "ev_off", "ev_at")
    no_number, no_flag = Value(None, IntegerField()), Value(None, BooleanField())
    no_time, no_place = Value(None, DateTimeField()), Value("", CharField())
    invitations = CourseInvitation.objects.filter(participant=participant).annotate(
        ev_source=Value("course", CharField()),
        ev_when=F("invited_at"),
        ev_name=F("course__name"),
        ev_number=no_number,
        ev_flag=no_flag,
        ev_off=F("cancelled_at"),
        ev_at=no_place,
    )
    days = TrainingAttendance.objects.filter(participant=participant).annotate(
        ev_source=Value("day", CharField()),
        ev_when=F("day__starts_at"),
        ev_name=F("day__course__name"),
        ev_number=F("day__number"),
        ev_flag=F("attended"),
        ev_off=no_time,
        ev_at=no_place,
    )
    sessions = SessionInvitation.objects.filter(participant=participant).annotate(
        ev_source=Value("session", CharField()),
        ev_when=F("session__starts_at"),
        ev_name=F("session__kind"),
        ev_number=no_number,
        ev_flag=F("attended"),
        ev_off=no_time,
        ev_at=F("session__place"),
    )
    rows = (
        invitations.order_by()
        .values_list(*columns)
        .union(
            days.order_by().values_list(*columns),
            sessions.order_by().values_list(*columns),
            all=True,
        )
    )
    order = {"course": 0, "day": 1, "session": 2}
    return sorted(rows, key=lambda row: (order[row[0]], row[1]))


def participant_timeline(participant: Participant) -> list[Event]:
    """Everything that happened to a participant, oldest first, in two queries (course, training
    day and session events in one, and one per app registered in `programme.registries`: logbooks
    adds the participant's pairs) for a participant of participant_detail_queryset()."""
    events = [
        Event(
            participant.created_at,
            _("Referred through %(channel)s")
            % {"channel": participant.get_referral_channel_display()},
            participant.referred_by,
            "referral",
        )
    ]
    for conversation in participant.conversations.all():
        events.append(
            Event(
                conversation.held_on,
                _("Initial conversation with %(name)s") % {"name": conversation.held_by},
                conversation.notes,
                "conversation",
            )
        )
    for screening in participant.screenings.all():
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
    for consent in participant.consents.all():
        detail = _("Text version %(version)s, %(method)s, recorded by %(name)s") % {
            "version": consent.text.version,
            "method": consent.get_method_display().lower(),
            "name": consent.recorded_by,
        }
        if consent.screening_override_reason:
            detail += "\n" + _("Without an eligible screening: %(reason)s") % {
                "reason": consent.screening_override_reason
            }
        events.append(
            Event(
                consent.decided_on,
                _("Consent to %(purpose)s: %(decision)s")
                % {
                    "purpose": consent.get_purpose_display().lower(),
                    "decision": consent.get_decision_display().lower(),
                },
                detail,
                "consent",
            )
        )
    day_names = dict(TrainingDay._meta.get_field("number").flatchoices)
    for source, _pk, when, name, number, attended, cancelled_at, place in _training_and_sessions(
        participant
    ):
        if source == "course":
            events.append(
                Event(
                    when,
                    _("Invited to the course %(course)s") % {"course": name},
                    _("Cancelled") if cancelled_at else "",
                    "training",
                )
            )
        elif source == "day":
            events.append(
                Event(
                    when,
                    _("%(day)s of %(course)s: %(attended)s")
                    % {
                        "day": day_names.get(number, number),
                        "course": name,
                        "attended": _("attended") if attended else _("absent"),
                    },
                    "",
                    "training",
                )
            )
        else:
            state = {True: _("attended"), False: _("absent"), None: _("invited")}[attended]
            kind = dict(SessionKind.choices).get(name, name)
            events.append(Event(when, f"{kind}: {state}", place, "session"))
    for source in timeline_sources():
        events.extend(source(participant))
    withdrawal = participant_withdrawal(participant)
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
