"""The round trips of tests/security/test_form_round_trip.py, one set of functions per form:
`*_values(fx)` what to generate per field, `*_store(fx, values)` writes the values on an object of
the demo world as the product stores them and returns its edit page's URL arguments, `*_read(fx,
kwargs)` the stored state, column by column, and `*_fix(values)` makes a drawn example one the
form accepts (the youngest age accepted not above the oldest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from hypothesis import strategies as st

from tests.security.round_trip import (
    Values,
    choices,
    dates,
    decimals,
    form_values,
    integers,
    local_datetimes,
    row,
    text,
)
from tests.security.test_form_fuzz import Fx

M, S, N, V, E = "manager", "supporter", "nurse", "supervisor", "evaluator"


def same(values: dict) -> dict:
    return values


@dataclass(frozen=True)
class RoundTrip:
    """One way a form edits stored data.

    `values(fx)`: what to generate, per field. `store(fx, values)`: writes them on an object of
    the world as the product stores them, and returns the URL arguments of its edit page.
    `read(fx, kwargs)`: the stored state, column by column. The form is the one on `page` that
    posts to `posts_to` (the page itself by default), sent with `button` (name, value) where the
    person taps a named button. `fix` makes a drawn example consistent (the youngest age accepted
    not above the oldest). `volatile`: columns that record when a save happened, not what it
    saved."""

    page: str
    role: str
    values: Callable[[Fx], dict[str, Values]]
    store: Callable[[Fx, dict], dict]
    read: Callable[[Fx, dict], dict]
    posts_to: str | None = None
    button: tuple[str, str] | None = None
    fix: Callable[[dict], dict] = same
    volatile: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditsNoStoredData:
    """The form never shows stored values to be saved again: why."""

    reason: str


def local_today() -> dt.date:
    return timezone.localdate()


def store_columns(model, pk, values: dict) -> None:
    """Store the values on a row as they are (foreign keys given as ids)."""
    columns = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        columns[field.attname] = value
    model._default_manager.filter(pk=pk).update(**columns)


# --- programme ---------------------------------------------------------------------------------


def participant_fields() -> list[str]:
    """The participant form's fields less the site (fixed by the world)."""
    from programme.forms import ParticipantForm

    return [name for name in ParticipantForm.Meta.fields if name != "site"]


POSTCODES = Values(
    st.just("") | st.from_regex(r"[1-9][0-9]{3}", fullmatch=True), ("", "1000", "9990")
)


def participant_values(fx: Fx) -> dict[str, Values]:
    from programme.forms import ParticipantForm

    today = local_today()
    oldest, youngest = dt.date(today.year - 110, 1, 1), dt.date(today.year - 16, 12, 31)
    form = ParticipantForm(user=fx.world.users[M], instance=fx.peer)
    return form_values(
        form,
        participant_fields(),
        date_of_birth=dates(oldest, youngest),
        postcode=POSTCODES,
        first_name=text(100, required=True),
        last_name=text(100, required=True),
    )


def participant_store(fx: Fx, values: dict) -> dict:
    from programme.models import Participant

    store_columns(Participant, fx.peer.pk, values)
    return {"pk": fx.peer.pk}


def participant_read(fx: Fx, kwargs: dict) -> dict:
    from programme.models import Participant

    return row(Participant, pk=kwargs["pk"])


def site_settings_values(fx: Fx) -> dict[str, Values]:
    from programme.forms import SiteSettingsForm
    from programme.services import site_settings_for

    form = SiteSettingsForm(instance=site_settings_for(fx.site))
    return form_values(
        form,
        [name for name in form.fields if name != "retention_days"],
        sms_sender=choices(["", "Paamindelse", "Kommune 1", "+4570707070", "4512345678"]),
        quiet_from=choices([dt.time(21), dt.time(22, 30), dt.time(12)]),
        quiet_to=choices([dt.time(8), dt.time(7, 15), dt.time(13)]),
    )


def site_settings_store(fx: Fx, values: dict) -> dict:
    from programme.models import SiteSettings
    from programme.services import site_settings_for

    store_columns(SiteSettings, site_settings_for(fx.site).pk, values)
    return {"slug": fx.site.slug}


def site_settings_read(fx: Fx, kwargs: dict) -> dict:
    from programme.models import SiteSettings
    from tod.accounts.models import Site

    return {
        **row(SiteSettings, site__slug=kwargs["slug"]),
        "retention_days": Site.objects.get(slug=kwargs["slug"]).retention_days,
    }


def started(model, pk) -> None:
    """A training day or session that has started: attendance can be recorded."""
    now = timezone.now()
    model._default_manager.filter(pk=pk).update(
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1)
    )


def attendance_values(invitations) -> dict[str, Values]:
    count = invitations.count()
    pattern = [(i % 2 == 0) for i in range(count)]
    return {
        "attended": Values(
            st.lists(st.booleans(), min_size=count, max_size=count),
            ([False] * count, [True] * count, pattern, [not p for p in pattern]),
        )
    }


def course_day(fx: Fx):
    from programme.models import TrainingDay

    return TrainingDay.objects.get(pk=fx.world.kwargs["course_day"]["pk"])


def day_invitations(fx: Fx):
    from programme.models import CourseInvitation

    day = course_day(fx)
    return CourseInvitation.objects.filter(
        course=day.course_id, cancelled_at__isnull=True
    ).order_by("pk")


def day_attendance_store(fx: Fx, values: dict) -> dict:
    from programme.models import TrainingAttendance, TrainingDay

    day = course_day(fx)
    started(TrainingDay, day.pk)
    for invitation, attended in zip(day_invitations(fx), values["attended"], strict=True):
        TrainingAttendance.objects.update_or_create(
            day=day,
            participant_id=invitation.participant_id,
            defaults={"attended": attended, "recorded_by": fx.world.users[M]},
        )
    return {"pk": day.pk}


def day_attendance_read(fx: Fx, kwargs: dict) -> dict:
    from programme.models import TrainingAttendance

    return {
        f"attendance of {pk}": attended
        for pk, attended in TrainingAttendance.objects.filter(day=kwargs["pk"]).values_list(
            "participant_id", "attended"
        )
    }


def world_session(fx: Fx):
    return type(fx.session).objects.get(pk=fx.session.pk)


def session_invitations(fx: Fx):
    return world_session(fx).invitations.order_by("pk")


def session_attendance_store(fx: Fx, values: dict) -> dict:
    session = world_session(fx)
    started(type(session), session.pk)
    for invitation, attended in zip(session_invitations(fx), values["attended"], strict=True):
        type(invitation).objects.filter(pk=invitation.pk).update(attended=attended)
    return {"pk": session.pk}


def session_attendance_read(fx: Fx, kwargs: dict) -> dict:
    return {
        f"attendance of {pk}": attended
        for pk, attended in session_invitations(fx).values_list("participant_id", "attended")
    }


def session_edit_values(fx: Fx) -> dict[str, Values]:
    from programme.forms import SessionEditForm
    from programme.models import SessionKind

    session = world_session(fx)
    form = SessionEditForm(user=fx.world.users[M], session=session)
    values = form_values(form, ["starts_at", "duration", "place", "leader"])
    if session.kind == SessionKind.SUPERVISION:  # led by a supervisor: the form requires one
        values["leader"] = choices(
            list(form.fields["leader"].queryset.values_list("pk", flat=True))
        )
    return values


def session_edit_store(fx: Fx, values: dict) -> dict:
    from programme.models import Session

    ends_at = values["starts_at"] + dt.timedelta(minutes=values["duration"])
    store_columns(
        Session,
        fx.session.pk,
        {
            "starts_at": values["starts_at"],
            "ends_at": ends_at,
            "place": values["place"],
            "leader": values["leader"],
        },
    )
    return {"pk": fx.session.pk}


def session_read(fx: Fx, kwargs: dict) -> dict:
    from programme.models import Session

    return row(Session, pk=kwargs["pk"])


def session_notes_values(fx: Fx) -> dict[str, Values]:
    from programme.forms import NotesForm

    return form_values(NotesForm(), ["notes"])


def session_notes_store(fx: Fx, values: dict) -> dict:
    from programme.models import Session

    store_columns(Session, fx.session.pk, values)
    return {"pk": fx.session.pk}


# --- matching ----------------------------------------------------------------------------------


def survey_values(form_class, participant) -> dict[str, Values]:
    from matching.models import MatchSurvey

    current = MatchSurvey.objects.filter(participant=participant, is_current=True).first()
    form = form_class(instance=current)
    return form_values(form, sorted(form_class.layout_fields()), postcode=POSTCODES)


def survey_fix(values: dict) -> dict:
    """A survey as its form accepts it: the youngest age not above the oldest, and latitude
    and longitude both given or both left out."""
    values = dict(values)
    low, high = values.get("age_min"), values.get("age_max")
    if low is not None and high is not None and low > high:
        values["age_min"], values["age_max"] = high, low
    if (values.get("latitude") is None) != (values.get("longitude") is None):
        values["latitude"] = values["longitude"] = None
    return values


def survey_store(participant, values: dict) -> None:
    """The survey's answers on the survey, its background questions on the participant's
    programme.Background (ADR 0013)."""
    from matching.models import MatchSurvey
    from matching.models.survey import BACKGROUND_QUESTIONS
    from programme.models import Background

    values = dict(values)
    background = {k: values.pop(k) for k in list(values) if k in BACKGROUND_QUESTIONS}
    current = MatchSurvey.objects.filter(participant=participant, is_current=True).first()
    if current is None:
        current = MatchSurvey.objects.create(participant=participant, version=1, is_current=True)
    store_columns(MatchSurvey, current.pk, values)
    Background.objects.update_or_create(participant=participant, defaults=background)


def survey_read(participant) -> dict:
    from matching.models import MatchSurvey
    from matching.models.survey import BACKGROUND_QUESTIONS
    from programme.models import Background

    background = row(Background, participant=participant)
    return {
        **row(MatchSurvey, participant=participant, is_current=True),
        **{f"background.{k}": background[k] for k in BACKGROUND_QUESTIONS},
    }


def hanne(fx: Fx):
    from programme.models import Participant

    return Participant.objects.get(user=fx.world.users[S])


def peer_survey_values(fx: Fx):
    from matching.forms import PeerSurveyForm

    return survey_values(PeerSurveyForm, fx.peer)


def peer_survey_store(fx: Fx, values: dict) -> dict:
    survey_store(fx.peer, values)
    return {"pk": fx.peer.pk}


def supporter_survey_values(fx: Fx):
    from matching.forms import SupporterSurveyForm

    return survey_values(SupporterSurveyForm, hanne(fx))


def supporter_survey_store(fx: Fx, values: dict) -> dict:
    survey_store(hanne(fx), values)
    return {}


def weights_values(fx: Fx):
    from matching import scoring
    from matching.forms import WeightsForm

    return form_values(WeightsForm(), list(scoring.CRITERIA))


def weights_store(fx: Fx, values: dict) -> dict:
    from matching.models import MatchWeights

    MatchWeights.objects.update_or_create(site=fx.site, defaults=values)
    return {}


def weights_read(fx: Fx, kwargs: dict) -> dict:
    from matching.models import MatchWeights

    return row(MatchWeights, site=fx.site)


def agreed_pair(fx: Fx):
    """A pair both have agreed to, whose match meeting is being planned."""
    from logbooks.models import Pair, PairStatus

    pair = Pair.objects.filter(site=fx.site, status=PairStatus.AGREED).order_by("pk").first()
    if pair is None:
        pair = Pair.objects.filter(site=fx.site, status=PairStatus.PROPOSED).order_by("pk").first()
        Pair.objects.filter(pk=pair.pk).update(status=PairStatus.AGREED)
    return pair


def schedule_values(fx: Fx):
    from matching.forms import ScheduleForm

    return form_values(ScheduleForm(), ["at", "place"])


def schedule_store(fx: Fx, values: dict) -> dict:
    from logbooks.models import Pair

    pair = agreed_pair(fx)
    store_columns(
        Pair, pair.pk, {"match_meeting_at": values["at"], "match_meeting_place": values["place"]}
    )
    return {"pk": pair.pk}


def pair_read(fx: Fx, kwargs: dict) -> dict:
    from logbooks.models import Pair

    return row(Pair, pk=kwargs["pk"])


# --- meetings and logbooks ---------------------------------------------------------------------


def planned_meeting(fx: Fx):
    from logbooks.models import Meeting

    return Meeting.objects.get(pk=fx.world.kwargs["meeting"]["pk"])


def meeting_read(fx: Fx, kwargs: dict) -> dict:
    from logbooks.models import Meeting

    return row(Meeting, pk=kwargs["pk"])


def meeting_move_values(fx: Fx):
    from logbooks.forms import MeetingTimeForm

    today = local_today()
    return {
        "planned_at": local_datetimes(
            today - dt.timedelta(days=60), today + dt.timedelta(days=400)
        ),
        **form_values(MeetingTimeForm(), ["place"]),
    }


def meeting_move_store(fx: Fx, values: dict) -> dict:
    from logbooks.models import Meeting

    meeting = planned_meeting(fx)
    store_columns(Meeting, meeting.pk, values)
    return {"pk": meeting.pk}


OUTCOMES = ("held", "cancelled", "missed")


def outcome_values(fx: Fx):
    from logbooks.forms import OutcomeForm
    from logbooks.models import CancelledBy, CancelReason

    form = OutcomeForm()
    today = local_today()
    return {
        **form_values(
            form,
            ["outcome", "duration_minutes", "place", "activity", "cancelled_by", "cancel_reason"],
            duration_minutes=integers(1, 24 * 60, required=False),
            # the programme's own cancellations too (the pair ended): not offered, but shown
            cancelled_by=choices(CancelledBy.values, empty=""),
            cancel_reason=choices(CancelReason.values, empty=""),
        ),
        "held_on": dates(today - dt.timedelta(days=200), today),
        "note": text(200, required=False),
    }


def outcome_fix(values: dict) -> dict:
    """A recorded outcome as the services store it: a held meeting has its date and no
    cancellation; a cancelled one says by whom and why; neither has a date of being held."""
    values = dict(values)
    if values["outcome"] == "held":
        values.update(cancelled_by="", cancel_reason="", note="")
    else:
        values["held_on"] = None
        if values["outcome"] == "cancelled":
            values["cancelled_by"] = values["cancelled_by"] or "peer"
            values["cancel_reason"] = values["cancel_reason"] or "other"
        else:
            values.update(cancelled_by="", cancel_reason="")
    return values


def outcome_store(fx: Fx, values: dict) -> dict:
    from logbooks.models import Logbook, Meeting

    meeting = planned_meeting(fx)
    Logbook.objects.filter(meeting=meeting).delete()
    store_columns(
        Meeting,
        meeting.pk,
        {
            "planned_at": timezone.now() - dt.timedelta(days=3),
            "status": values["outcome"],
            "held_on": values["held_on"],
            "duration_minutes": values["duration_minutes"],
            "place": values["place"],
            "activity": values["activity"],
            "cancelled_by": values["cancelled_by"],
            "cancel_reason": values["cancel_reason"],
            "cancel_note": values["note"],
            "held_by": meeting.pair.supporter_id if values["outcome"] == "held" else None,
        },
    )
    return {"pk": meeting.pk}


def plan_values(fx: Fx):
    from logbooks.forms import MeetingPlanForm

    return form_values(MeetingPlanForm(), MeetingPlanForm.Meta.fields)


def plan_store(fx: Fx, values: dict) -> dict:
    from logbooks.models import MeetingPlan

    store_columns(MeetingPlan, MeetingPlan.objects.get(pair=fx.pair).pk, values)
    return {"pk": fx.pair.pk}


def plan_read(fx: Fx, kwargs: dict) -> dict:
    """The plan, and the pair's meetings (saving the plan moves the future ones with it)."""
    from logbooks.models import Meeting, MeetingPlan

    state = row(MeetingPlan, pair=kwargs["pk"])
    for meeting in Meeting.objects.filter(pair=kwargs["pk"]).order_by("pk").values():
        state[f"meeting {meeting['id']}"] = (
            meeting["planned_at"],
            meeting["place"],
            meeting["moved_from"],
        )
    return state


def held_meeting(fx: Fx):
    from logbooks.models import Meeting

    return Meeting.objects.get(pk=fx.world.kwargs["held_meeting"]["meeting_pk"])


def logbook_values(fx: Fx):
    from logbooks.forms import LogbookForm
    from logbooks.models import LOGBOOK_ANSWER_FIELDS

    return form_values(
        LogbookForm(),
        LOGBOOK_ANSWER_FIELDS,
        duration_minutes=integers(1, 24 * 60, required=False),
    )


def submitted_logbook_fix(values: dict) -> dict:
    """A submitted logbook says what they did; a request for support says what it is about,
    and only a request has that text."""
    values = dict(values)
    values["activities"] = values["activities"] or "Gåtur i Fælledparken"
    if values["needs_support"] and not values["support_with"]:
        values["support_with"] = "Hvordan taler jeg om medicin?"
    if values["support_with"]:
        values["needs_support"] = True
    return values


def logbook_store(status: str):
    def store(fx: Fx, values: dict) -> dict:
        from logbooks.models import Logbook, Meeting, MeetingStatus

        meeting = held_meeting(fx)
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
        now = timezone.now()
        Logbook.objects.update_or_create(
            meeting=meeting,
            defaults={
                **values,
                "author": fx.world.users[S],
                "status": status,
                "submitted_at": None if status == "draft" else now,
                "draft_saved_at": now if status == "draft" else None,
                "support_handled_at": None,
            },
        )
        return {"meeting_pk": meeting.pk}

    return store


def logbook_read(fx: Fx, kwargs: dict) -> dict:
    from logbooks.models import Logbook

    return row(Logbook, meeting=kwargs["meeting_pk"])


# --- the nurse and the evaluation --------------------------------------------------------------

MEASURE_VALUES = {
    # Plausible values (refused outside these): unusual ones among them ask the nurse to confirm.
    "hba1c_mmol_mol": integers(20, 200, required=False),
    "systolic_mmhg": integers(61, 260, required=False),
    "diastolic_mmhg": integers(30, 160, required=False),
    "gp_contacts": integers(0, 200, required=False),
    "missed_appointments": integers(0, 100, required=False),
}


def nurse_visit_values(fx: Fx):
    from decimal import Decimal

    from evaluation.forms import NurseVisitForm

    today = local_today()
    form = NurseVisitForm()  # a visit on time: no early_reason field (asked only of an early one)
    return form_values(
        form,
        [name for name in NurseVisitForm.Meta.fields if name in form.fields],
        visited_on=dates(today - dt.timedelta(days=800), today),
        weight_kg=decimals(Decimal(25), Decimal(350), 1, required=False),
        height_cm=decimals(Decimal(100), Decimal(230), 1, required=False),
        waist_cm=decimals(Decimal(40), Decimal(250), 1, required=False),
        **MEASURE_VALUES,
    )


def nurse_visit_fix(values: dict) -> dict:
    values = dict(values)
    systolic, diastolic = values["systolic_mmhg"], values["diastolic_mmhg"]
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        values["diastolic_mmhg"] = max(30, min(systolic - 1, 160))
        if values["diastolic_mmhg"] >= systolic:
            values["diastolic_mmhg"] = None
    return values


def visit_kwargs(fx: Fx) -> dict:
    return dict(fx.world.kwargs["visit_peer"])


def nurse_visit_store(fx: Fx, values: dict) -> dict:
    from evaluation.models import NurseVisit
    from evaluation.ranges import check_measures

    kwargs = visit_kwargs(fx)
    errors, warnings = check_measures(values)
    assert errors == {}, errors
    visit = NurseVisit(
        **values,
        peer_id=kwargs["peer_id"],
        kind=kwargs["kind"],
        site=fx.site,
        nurse=fx.world.users[N],
        confirmed_warnings=sorted(warnings),
    )
    visit.compute_scores()
    NurseVisit.objects.filter(peer_id=kwargs["peer_id"], kind=kwargs["kind"]).delete()
    visit.save()
    return kwargs


def nurse_visit_read(fx: Fx, kwargs: dict) -> dict:
    from evaluation.models import NurseVisit

    return row(NurseVisit, peer_id=kwargs["peer_id"], kind=kwargs["kind"])


def background_values(fx: Fx):
    from programme.forms import BackgroundForm

    return form_values(BackgroundForm(), BackgroundForm.Meta.fields)


def background_store(fx: Fx, values: dict) -> dict:
    from programme.models import Background

    kwargs = fx.world.kwargs["peer"]
    Background.objects.update_or_create(participant_id=kwargs["pk"], defaults=values)
    return dict(kwargs)


def background_read(fx: Fx, kwargs: dict) -> dict:
    from programme.models import Background

    return row(Background, participant_id=kwargs["pk"])


def theory_configuration(fx: Fx):
    from evaluation.models import TheoryConfiguration

    return TheoryConfiguration.objects.get(pk=fx.world.kwargs["theory_configuration"]["pk"])


def theory_configuration_values(fx: Fx):
    from evaluation.forms import TheoryConfigurationForm
    from evaluation.models import TheoryConfiguration

    configuration = theory_configuration(fx)
    taken = set(
        TheoryConfiguration.objects.filter(theory=configuration.theory_id)
        .exclude(pk=configuration.pk)
        .values_list("code", flat=True)
    )
    values = form_values(
        TheoryConfigurationForm(theory=configuration.theory), TheoryConfigurationForm.Meta.fields
    )
    code = values["code"]  # a theory's codes are unique: another configuration's is refused
    values["code"] = Values(
        code.strategy.filter(lambda value: value not in taken),
        tuple(c for c in code.corners if c not in taken),
    )
    return values


def theory_configuration_store(fx: Fx, values: dict) -> dict:
    from evaluation.models import TheoryConfiguration

    configuration = theory_configuration(fx)
    store_columns(TheoryConfiguration, configuration.pk, values)
    return {"pk": configuration.pk}


def theory_configuration_read(fx: Fx, kwargs: dict) -> dict:
    from evaluation.models import TheoryConfiguration

    return row(TheoryConfiguration, pk=kwargs["pk"])


INTERVIEW_FIELDS = ["pair", "informant_type", "conducted_on", "mode", "transcript", "notes"]


def interview_values(locked: bool):
    def values(fx: Fx):
        from evaluation.forms import InterviewForm
        from evaluation.reports import cases_for

        form = InterviewForm(pairs=cases_for(fx.world.users[E]))
        names = [n for n in INTERVIEW_FIELDS if not (locked and n == "transcript")]
        return form_values(form, names)

    return values


def interview_fix(values: dict) -> dict:
    """An interview has its transcript or notes."""
    values = dict(values)
    if not values.get("transcript") and not values["notes"]:
        values["notes"] = "Interview om tillid"
    return values


def name_the_informant(interview_pk: int) -> None:
    """As services.interview_save names them: the case's peer, or its (one) supporter."""
    from evaluation.models import Interview

    interview = Interview.objects.select_related("pair").get(pk=interview_pk)
    pair = interview.pair
    informant = {"peer": pair and pair.peer_id, "supporter": pair and pair.supporter_id}
    Interview.objects.filter(pk=interview_pk).update(
        informant_id=informant.get(interview.informant_type)
    )


def coded_interview_store(fx: Fx, values: dict) -> dict:
    """The world's interview, with coded excerpts: its transcript is locked."""
    from evaluation.models import Interview

    store_columns(Interview, fx.interview.pk, values)
    name_the_informant(fx.interview.pk)
    assert fx.interview.excerpts.exists()
    return {"pk": fx.interview.pk}


def new_interview_store(fx: Fx, values: dict) -> dict:
    from evaluation.models import Interview

    interview = Interview.objects.create(
        site=fx.site,
        interviewer=fx.world.users[E],
        **{f"{n}_id" if n == "pair" else n: v for n, v in values.items()},
    )
    name_the_informant(interview.pk)
    return {"pk": interview.pk}


def interview_read(fx: Fx, kwargs: dict) -> dict:
    from evaluation.models import Interview

    return row(Interview, pk=kwargs["pk"])


# --- the account -------------------------------------------------------------------------------


def preference_values(fx: Fx):
    from tod.outbox.forms import ContactPreferenceForm

    return form_values(ContactPreferenceForm(), ContactPreferenceForm.Meta.fields)


def preference_store(fx: Fx, values: dict) -> dict:
    from tod.outbox.models import ContactPreference

    ContactPreference.objects.update_or_create(user=fx.world.users[S], defaults=values)
    return {}


def preference_read(fx: Fx, kwargs: dict) -> dict:
    from tod.outbox.models import ContactPreference

    return row(ContactPreference, user=fx.world.users[S])
