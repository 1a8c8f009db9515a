"""Supervision sessions and network meetings (component 5)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tod.accounts.permissions import get_object_for_user, has_permission, requires
from tod.accounts.roles import Permission
from tod.once.guard import once_per_submission

from .. import services
from ..forms import (
    ActionForm,
    AttendanceForm,
    DilemmaForm,
    InviteForm,
    NotesForm,
    SeriesForm,
    SessionEditForm,
)
from ..forms import SessionForm as SessionPlanForm
from ..models import FollowUpAction, Participant, Session, SessionInvitation, SuggestedTopic
from .common import add_service_error, paginate

MANAGE = Permission.MANAGE_SUPERVISION
LEAD = Permission.LEAD_SUPERVISION


def _perm(user) -> Permission:
    return MANAGE if has_permission(user, MANAGE) else LEAD


def _session(request: HttpRequest, pk: int | str) -> Session:
    return get_object_for_user(
        Session.objects.select_related("site", "round", "leader"),
        request.user,
        _perm(request.user),
        pk=pk,
    )


@requires(MANAGE, LEAD)
def session_list(request: HttpRequest) -> HttpResponse:
    """Staff: the sessions of their sites; a supervisor: the sessions they lead."""
    when = request.GET.get("when", "upcoming")
    sessions = Session.objects.visible_to(request.user)
    now = timezone.now()
    sessions = (
        sessions.filter(starts_at__gt=now).order_by("starts_at")
        if when == "upcoming"
        else sessions.filter(starts_at__lte=now).order_by("-starts_at")
    )
    sessions = sessions.select_related("site", "leader").annotate(
        invited=Count("invitations", distinct=True),
        came=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
        dilemma_count=Count("dilemmas", distinct=True),
    )
    return render(
        request,
        "programme/session_list.html",
        {
            "page": paginate(request, sessions),
            "when": when,
            "can_manage": has_permission(request.user, MANAGE),
        },
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
@once_per_submission
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionPlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                site=data["site"],
                round=data["round"],
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["starts_at"] + dt.timedelta(minutes=data["duration"]),
                place=data["place"],
                leader=data["leader"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Session planned; trained supporters are invited."))
            return redirect("programme:session_detail", pk=session.pk)
    return render(request, "programme/form.html", {"form": form, "title": _("Plan a session")})


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
@once_per_submission
def session_series(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sessions = services.session_series_create(
                site=data["site"],
                round=data["round"],
                kind=data["kind"],
                first_starts_at=data["starts_at"],
                duration=dt.timedelta(minutes=data["duration"]),
                count=data["count"],
                every_months=data["every_months"],
                place=data["place"],
                leader=data["leader"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(count)s sessions planned.") % {"count": len(sessions)})
            return redirect("programme:session_list")
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Plan a series of sessions"),
            "intro": _("Bimonthly by default: the same day of the month at the same time."),
        },
    )


@requires(MANAGE, LEAD)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    invitations = list(session.invitations.select_related("participant"))
    can_manage = has_permission(request.user, MANAGE)
    # The manager plans with every open topic of the site; the supervisor reads those meant for
    # this session (staff suggestions, and the support requests of the supporters invited).
    topics = (
        SuggestedTopic.objects.filter(site=session.site_id)
        if can_manage
        else SuggestedTopic.objects.for_session(session)
    )
    open_topics = topics.open().raised_by(session)
    return render(
        request,
        "programme/session_detail.html",
        {
            "session": session,
            "invitations": invitations,
            "dilemmas": session.dilemmas.select_related("recorded_by"),
            "actions": session.actions.all(),
            "open_topics": open_topics,
            "taken_up": session.topics.all(),
            "notes_form": NotesForm(initial={"notes": session.notes}),
            "dilemma_form": DilemmaForm(),
            "action_form": ActionForm(),
            "can_manage": can_manage,
            "started": session.has_started(),
        },
    )


@requires(MANAGE, LEAD)
@require_POST
def session_notes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = NotesForm(request.POST)
    if form.is_valid():
        services.session_notes_update(
            session=session, notes=form.cleaned_data["notes"], by=request.user
        )
        messages.success(request, _("Notes saved."))
        return redirect("programme:session_detail", pk=session.pk)
    return render(
        request, "programme/form.html", {"form": form, "title": _("Notes"), "back": session}
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_for_user(Session.objects.all(), request.user, MANAGE, pk=pk)
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    form = SessionEditForm(
        request.POST or None,
        user=request.user,
        session=session,
        initial={
            "starts_at": timezone.localtime(session.starts_at),
            "duration": minutes,
            "place": session.place,
            "leader": session.leader_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_update(
                session=session,
                starts_at=data["starts_at"],
                ends_at=data["starts_at"] + dt.timedelta(minutes=data["duration"]),
                place=data["place"],
                leader=data["leader"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("programme:session_detail", pk=session.pk)
    return render(
        request,
        "programme/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": session}, "back": session},
    )


@requires(MANAGE)
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_for_user(Session.objects.all(), request.user, MANAGE, pk=pk)
    try:
        services.session_cancel(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session is cancelled."))
    return redirect("programme:session_detail", pk=session.pk)


@requires(MANAGE, LEAD)
@require_POST
@once_per_submission
def session_dilemma(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = DilemmaForm(request.POST)
    if form.is_valid():
        services.dilemma_record(session=session, by=request.user, **form.cleaned_data)
        messages.success(request, _("Dilemma recorded."))
        return redirect("programme:session_detail", pk=session.pk)
    return render(
        request,
        "programme/form.html",
        {"form": form, "title": _("Dilemma or challenge"), "back": session},
    )


@requires(MANAGE, LEAD)
@require_POST
@once_per_submission
def session_action(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        services.action_record(session=session, by=request.user, **form.cleaned_data)
        messages.success(request, _("Follow-up action recorded."))
        return redirect("programme:session_detail", pk=session.pk)
    return render(
        request,
        "programme/form.html",
        {"form": form, "title": _("Follow-up action"), "back": session},
    )


@requires(MANAGE, LEAD)
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_for_user(
        FollowUpAction.objects.select_related("session"),
        request.user,
        _perm(request.user),
        pk=pk,
    )
    services.action_complete(action=action, by=request.user, done=request.POST.get("done") != "0")
    return redirect("programme:session_detail", pk=action.session_id)


@requires(MANAGE, LEAD)
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    invitations = session.invitations.select_related("participant")
    form = AttendanceForm(
        request.POST or None, invited=[(inv.participant, inv.attended) for inv in invitations]
    )
    if not session.has_started():
        form.add_error(None, _("Attendance can be recorded once the session has started."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.session_attendance_record(
                session=session, attended=form.attendance(), by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("programme:session_detail", pk=session.pk)
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Attendance: %(session)s") % {"session": session},
            "back": session,
            "hide_submit": not session.has_started(),
        },
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def session_invite(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_for_user(Session.objects.all(), request.user, MANAGE, pk=pk)
    candidates = (
        Participant.objects.filter(site=session.site_id)
        .supporters()
        .not_withdrawn()
        .with_programme_consent()
        .exclude(pk__in=SessionInvitation.objects.filter(session=session).values("participant_id"))
    )
    form = InviteForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.session_invite(
                session=session, participants=form.cleaned_data["participants"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(count)s invited.") % {"count": count})
            return redirect("programme:session_detail", pk=session.pk)
    return render(
        request,
        "programme/form.html",
        {"form": form, "title": _("Invite supporters"), "back": session},
    )


@requires(MANAGE, LEAD)
@require_POST
def topic_take_up(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, request.POST.get("session", ""))
    topic = get_object_for_user(
        SuggestedTopic.objects.all(), request.user, _perm(request.user), pk=pk
    )
    if not has_permission(request.user, MANAGE) and not (
        SuggestedTopic.objects.for_session(session).filter(pk=topic.pk).exists()
    ):
        raise Http404  # a supervisor takes up a topic only where it is offered
    try:
        services.supervision_topic_take_up(topic=topic, session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("programme:session_detail", pk=session.pk)


@requires(MANAGE, LEAD)
@require_POST
def topic_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_for_user(
        SuggestedTopic.objects.all(), request.user, _perm(request.user), pk=pk
    )
    services.supervision_topic_dismiss(topic=topic, by=request.user)
    next_session = request.POST.get("session", "")
    if next_session.isdigit():
        return redirect("programme:session_detail", pk=int(next_session))
    return redirect("programme:session_list")


@requires(Permission.VIEW_OWN_SUPERVISION)
def my_sessions(request: HttpRequest) -> HttpResponse:
    """A supporter's upcoming sessions and the ones they attended."""
    now = timezone.now()
    mine = SessionInvitation.objects.filter(participant__user=request.user).select_related(
        "session"
    )
    upcoming = mine.filter(session__starts_at__gt=now, session__cancelled_at__isnull=True)
    attended = mine.filter(session__starts_at__lte=now, attended=True).order_by(
        "-session__starts_at"
    )
    return render(
        request,
        "programme/my_sessions.html",
        {
            "upcoming": upcoming.order_by("session__starts_at")[:20],
            "page": paginate(request, attended),
        },
    )
