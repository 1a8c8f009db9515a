"""The training course (component 2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission
from tod.once.guard import once_per_submission

from .. import services
from ..forms import AttendanceForm, CourseForm, InviteForm
from ..models import Course, CourseInvitation, Participant, TrainingAttendance, TrainingDay
from .common import add_service_error, paginate

P = Permission.MANAGE_TRAINING


@requires(P)
def course_list(request: HttpRequest) -> HttpResponse:
    courses = (
        Course.objects.for_user(request.user)
        .select_related("site", "round__site")
        .annotate(invited=Count("invitations", filter=Q(invitations__cancelled_at__isnull=True)))
        .prefetch_related("days")
        .order_by("-created_at", "-id")
    )
    return render(request, "programme/course_list.html", {"page": paginate(request, courses)})


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def course_create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.course_create(
                site=data["site"],
                round=data["round"],
                name=data["name"],
                trainer=data["trainer"],
                capacity=data["capacity"],
                days=form.days(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Course created. Now invite the supporters."))
            return redirect("programme:course_detail", pk=course.pk)
    return render(request, "programme/form.html", {"form": form, "title": _("New course")})


def _course(request: HttpRequest, pk: int) -> Course:
    return get_object_for_user(
        Course.objects.select_related("site", "round__site"), request.user, P, pk=pk
    )


@requires(P)
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    days = list(course.days.all())
    invitations = list(
        course.invitations.select_related("participant").order_by(
            "participant__last_name", "participant__first_name"
        )
    )
    marks = {
        (a.day_id, a.participant_id): a.attended
        for a in TrainingAttendance.objects.filter(day__course=course)
    }
    rows = [
        {"invitation": inv, "days": [marks.get((day.pk, inv.participant_id)) for day in days]}
        for inv in invitations
    ]
    active = sum(1 for inv in invitations if inv.cancelled_at is None)
    return render(
        request,
        "programme/course_detail.html",
        {
            "course": course,
            "days": days,
            "rows": rows,
            "active": active,
            "now": timezone.now(),
        },
    )


@requires(P)
@require_http_methods(["GET", "POST"])
def course_invite(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    already = CourseInvitation.objects.filter(course=course, cancelled_at__isnull=True)
    candidates = (
        Participant.objects.filter(site=course.site_id)
        .supporters()
        .not_withdrawn()
        .with_programme_consent()
        .exclude(pk__in=already.values("participant_id"))
    )
    form = InviteForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.course_invite(
                course=course, participants=form.cleaned_data["participants"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(count)s invited.") % {"count": count})
            return redirect("programme:course_detail", pk=course.pk)
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Invite supporters to %(course)s") % {"course": course},
            "intro": _(
                "Supporters with programme consent who have not withdrawn. Invite a supporter "
                "who missed a day of an earlier course to make it up here."
            ),
            "back": course,
        },
    )


@requires(P)
@require_http_methods(["GET", "POST"])
def day_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_for_user(TrainingDay.objects.select_related("course"), request.user, P, pk=pk)
    invitations = CourseInvitation.objects.filter(
        course=day.course_id, cancelled_at__isnull=True
    ).select_related("participant")
    marks = dict(
        TrainingAttendance.objects.filter(day=day).values_list("participant_id", "attended")
    )
    form = AttendanceForm(
        request.POST or None,
        invited=[(inv.participant, marks.get(inv.participant_id)) for inv in invitations],
    )
    if not day.has_started():
        form.add_error(None, _("Attendance can be recorded once the day has started."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.training_attendance_record(
                day=day, attended=form.attendance(), by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("programme:course_detail", pk=day.course_id)
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Attendance: %(day)s") % {"day": day},
            "back": day.course,
            "hide_submit": not day.has_started(),
        },
    )


@requires(P)
def waiting_for_training(request: HttpRequest) -> HttpResponse:
    """Supporters who have consented but not yet attended both days, with what they miss."""
    queryset = (
        Participant.objects.for_user(request.user)
        .waiting_for_training()
        .select_related("round")
        .prefetch_related("training_attendance__day")
    )
    page = paginate(request, queryset)
    for participant in page.object_list:
        done = {a.day.number for a in participant.training_attendance.all() if a.attended}
        participant.missing_days = [n for n in (1, 2) if n not in done]
    return render(request, "programme/waiting_for_training.html", {"page": page})
