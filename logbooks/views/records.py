"""Meetings, logbooks and their review, the calendar feed.

Views stay thin: check the role (`requires`), fetch the object for the user (404 outside their
reach), call a service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from tod.accounts.permissions import get_object_for_user, has_permission, requires
from tod.audit.services import access_record
from tod.once.guard import once_per_submission

from .. import services
from ..calendar import calendar_feed_response
from ..forms import (
    CommentForm,
    LogbookForm,
    MeetingTimeForm,
    OutcomeForm,
)
from ..middleware import pop_rescued, rescue_token
from ..models import (
    CalendarFeed,
    Logbook,
    LogbookComment,
    LogbookStatus,
    Meeting,
    MeetingStatus,
    Pair,
)
from .pairs import PAGE_SIZE, P, _get_meeting

# --- Meetings -------------------------------------------------------------------------------------


@requires(P.RECORD_MEETINGS)
@once_per_submission
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_for_user(
        Pair.objects.select_related("supporter", "peer"), request.user, P.RECORD_MEETINGS, pk=pk
    )
    form = MeetingTimeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_add(
                pair=pair,
                planned_at=form.cleaned_data["planned_at"],
                place=form.cleaned_data["place"],
                by=request.user,
            )
        except ValueError:
            messages.error(request, _("Meetings can only be added to an active or paused pair."))
        else:
            messages.success(request, _("The extra meeting is planned."))
        return redirect("logbooks:pair_detail", pk=pk)
    return render(
        request,
        "logbooks/meeting_form.html",
        {"pair": pair, "form": form, "title": _("Add an extra meeting")},
    )


@requires(P.RECORD_MEETINGS)
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    if meeting.status != MeetingStatus.PLANNED:
        messages.error(request, _("Only a planned meeting can be moved."))
        return redirect("logbooks:pair_detail", pk=meeting.pair_id)
    local = timezone.localtime(meeting.planned_at)
    form = MeetingTimeForm(
        request.POST or None,
        initial={"date": local.date(), "time": local.time(), "place": meeting.place},
    )
    if request.method == "POST" and form.is_valid():
        services.meeting_move(
            meeting=meeting,
            planned_at=form.cleaned_data["planned_at"],
            place=form.cleaned_data["place"],
            by=request.user,
        )
        messages.success(request, _("The meeting is moved; its reminders moved with it."))
        return redirect("logbooks:pair_detail", pk=meeting.pair_id)
    return render(
        request,
        "logbooks/meeting_form.html",
        {"pair": meeting.pair, "form": form, "meeting": meeting, "title": _("Move a meeting")},
    )


@requires(P.RECORD_MEETINGS)
def meeting_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what happened: held (date, duration, place, activity), cancelled (by whom, why)
    or missed."""
    meeting = _get_meeting(request, pk)
    if hasattr(meeting, "logbook") and meeting.logbook.status != LogbookStatus.DRAFT:
        messages.error(request, _("This meeting has a logbook; its outcome is recorded."))
        return redirect("logbooks:pair_detail", pk=meeting.pair_id)
    form = OutcomeForm(request.POST or None, initial=_outcome_initial(meeting), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == "held":
                services.meeting_record_held(
                    meeting=meeting,
                    by=request.user,
                    held_on=data["held_on"],
                    duration_minutes=data["duration_minutes"],
                    place=data["place"],
                    activity=data["activity"],
                )
            elif data["outcome"] == "cancelled":
                services.meeting_record_cancelled(
                    meeting=meeting,
                    by=request.user,
                    cancelled_by=data["cancelled_by"],
                    reason=data["cancel_reason"],
                    note=data["note"],
                )
            else:
                services.meeting_record_missed(meeting=meeting, by=request.user, note=data["note"])
        except ValueError:
            messages.error(request, _("This meeting has a logbook; it was held."))
        else:
            messages.success(request, _("The meeting's outcome is recorded."))
        return redirect("logbooks:pair_detail", pk=meeting.pair_id)
    if form.repeated:  # recorded meanwhile, as this form says (a double tap, or both of you)
        messages.info(request, _("Already saved."))
        return redirect("logbooks:pair_detail", pk=meeting.pair_id)
    return render(
        request,
        "logbooks/meeting_outcome.html",
        {"pair": meeting.pair, "meeting": meeting, "form": form},
    )


def _outcome_initial(meeting: Meeting) -> dict:
    """The outcome form as the meeting stands: a recorded outcome comes back as it was recorded
    (before, the page showed none chosen and the planned date, and saving it again was refused
    or recorded the wrong day); a planned meeting suggests its own date, place and plans."""
    local = timezone.localtime(meeting.planned_at)
    initial = {
        "held_on": min(local.date(), timezone.localdate()),
        "place": meeting.place,
        "duration_minutes": meeting.duration_minutes,
        "activity": meeting.activity,
    }
    if meeting.status != MeetingStatus.PLANNED:
        initial.update(
            outcome=meeting.status,
            held_on=meeting.held_on or initial["held_on"],
            cancelled_by=meeting.cancelled_by,
            cancel_reason=meeting.cancel_reason,
            note=meeting.cancel_note,
        )
    return initial


# --- Logbooks -------------------------------------------------------------------------------------


def _autosave(request) -> bool:
    return request.POST.get("autosave") == "1"


@requires(P.WRITE_LOGBOOK)
def logbook_edit(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """One screen after a meeting: the ten questions and two short items. `Save draft` keeps
    it on the server (the JS autosaves the same way); `Submit` sends it to the manager."""
    meeting = get_object_for_user(
        Meeting.objects.select_related("pair__supporter", "pair__peer", "logbook"),
        request.user,
        P.WRITE_LOGBOOK,
        pk=meeting_pk,
    )
    logbook = getattr(meeting, "logbook", None)
    if logbook is not None and logbook.author_id != request.user.pk:
        return redirect("logbooks:logbook_detail", pk=logbook.pk)
    if not meeting.is_logbook_writable(timezone.now()):
        messages.error(request, _("A logbook is written after a meeting that was held."))
        return redirect("logbooks:pair_detail", pk=meeting.pair_id)
    return _logbook_form_page(request, meeting, logbook, on_paper=False)


@requires(P.MANAGE_PAIRS)
def logbook_paper(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The manager types in a supporter's paper logbook for a held meeting of a pair of their
    site: the same form, stored with the supporter as its author and the manager as who entered
    it; a support request in it reaches the managers as the supporter's own would."""
    meeting = get_object_for_user(
        Meeting.objects.select_related("pair__supporter__user", "pair__peer", "logbook"),
        request.user,
        P.MANAGE_PAIRS,
        pk=meeting_pk,
    )
    logbook = getattr(meeting, "logbook", None)
    if not meeting.is_paper_logbook_open(request.user):
        if logbook is not None and logbook.status != LogbookStatus.DRAFT:
            return redirect("logbooks:logbook_detail", pk=logbook.pk)
        messages.error(request, _("A paper logbook is entered for a meeting that was held."))
        return redirect("logbooks:pair_detail", pk=meeting.pair_id)
    return _logbook_form_page(request, meeting, logbook, on_paper=True)


def _logbook_form_page(
    request: HttpRequest, meeting: Meeting, logbook: Logbook | None, *, on_paper: bool
) -> HttpResponse:
    """The logbook form of both the supporter and the manager entering a paper logbook."""
    restored = False
    if request.method == "POST":
        submitting = request.POST.get("action") == "submit"
        form = LogbookForm(request.POST, instance=logbook, submitting=submitting)
        if form.is_valid():
            saved = services.logbook_save(
                meeting=meeting,
                by=request.user,
                answers=form.answers(),
                submit=submitting,
                on_paper=on_paper,
            )
            if _autosave(request):
                return JsonResponse(
                    {
                        "saved": True,
                        "saved_at": formats.time_format(timezone.localtime(), "H:i"),
                        "status": saved.status,
                    }
                )
            if submitting:
                messages.success(
                    request,
                    _("The paper logbook is entered.")
                    if on_paper
                    else _("Thank you! Your logbook is sent to the manager."),
                )
                return redirect("logbooks:logbook_detail", pk=saved.pk)
            messages.success(request, _("Draft saved. You can come back to it at any time."))
            return redirect(request.path)
        if _autosave(request):
            return JsonResponse({"saved": False, "errors": form.errors}, status=400)
    else:
        rescued = None if on_paper else pop_rescued(request, meeting.pk)
        if rescued is not None:
            form, logbook = _restore_rescued(request, meeting, logbook, rescued)
            restored = True
        else:
            initial = {}
            if logbook is None:
                initial = {
                    "place": meeting.place,
                    "duration_minutes": meeting.duration_minutes,
                    "activities": meeting.activity,
                }
            form = LogbookForm(instance=logbook, initial=initial)
    return render(
        request,
        "logbooks/logbook_form.html",
        {
            "meeting": meeting,
            "pair": meeting.pair,
            "logbook": logbook,
            "form": form,
            "restored": restored,
            "on_paper": on_paper,
            "rescue_token": rescue_token(meeting_pk=meeting.pk, user_pk=request.user.pk),
            "comments": list(logbook.comments.select_related("author")) if logbook else [],
        },
    )


def _restore_rescued(request, meeting, logbook, rescued: dict):
    """What was posted when the session had ended, back on the page after the login; the form
    to show and the logbook.

    A draft (or a logbook not begun) keeps it at once, as the draft: every answer that passes
    the form's checks is saved, and one that does not (or that was cut to the form's length when
    it was kept) is named in the message and shown as typed once, with its error, for the
    supporter to correct; leaving the page keeps the rest. A submitted logbook is not changed
    behind the supporter's back: the typed answers are shown for them to save."""
    answers, cut = rescued.get("answers", {}), rescued.get("cut", [])
    form = LogbookForm(_as_querydict(answers), instance=logbook)
    attention = list(cut)
    if logbook is None or logbook.status == LogbookStatus.DRAFT:
        valid, invalid = form.draft_answers()
        logbook = services.logbook_save(meeting=meeting, by=request.user, answers=valid)
        attention += [name for name in invalid if name not in attention]
        if not invalid:
            form = LogbookForm(instance=logbook)
    if attention:
        labels = ", ".join(str(form.fields[name].label) for name in attention)
        messages.warning(
            request,
            _(
                "Your session had ended: what you typed is saved as a draft. These answers could "
                "not be kept as you typed them: %(fields)s. Check them and submit."
            )
            % {"fields": labels},
        )
    else:
        messages.info(
            request,
            _("Your session had ended: what you typed is kept here. Check it and submit."),
        )
    return form, logbook


def _as_querydict(data: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


def _comment_count():
    counted = (
        LogbookComment.objects.filter(logbook=OuterRef("pk"))
        .order_by()
        .values("logbook")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# The fields a row of the review list shows (logbooks/logbook_list.html).
LOGBOOK_ROW_FIELDS = (
    "status",
    "activities",
    "needs_support",
    "support_handled_at",
    "submitted_at",
    "meeting__held_on",
    "meeting__pair__peer__first_name",
    "meeting__pair__peer__last_name",
    "meeting__pair__supporter__first_name",
    "meeting__pair__supporter__last_name",
)


@requires(P.REVIEW_LOGBOOKS, P.WRITE_LOGBOOK)
def logbook_list(request: HttpRequest) -> HttpResponse:
    """The manager's review queue (support requests first) or a supporter's own logbooks."""
    logbooks = (
        Logbook.objects.for_user(request.user)
        .submitted()
        .select_related("meeting__pair__peer", "meeting__pair__supporter")
        # Only what a row shows: the database sorts every submitted logbook of the sites before
        # the page's LIMIT, and with the answers' long texts those rows were twice as slow to
        # sort (31 -> 15 ms at 5,000 pairs).
        .only(*LOGBOOK_ROW_FIELDS)
        # A subquery, not Count("comments"): a join and GROUP BY over every logbook of the
        # sites made the database aggregate thousands of wide rows before the page's LIMIT.
        .annotate(comment_count=_comment_count())
        .review_order()
    )
    show = request.GET.get("show", "")
    if show == "support":
        logbooks = logbooks.support_open()
    elif show == "to_review":
        logbooks = logbooks.filter(status=LogbookStatus.SUBMITTED)
    page = Paginator(logbooks, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = []
    if has_permission(request.user, P.WRITE_LOGBOOK):
        drafts = list(
            Logbook.objects.for_user(request.user)
            .filter(status=LogbookStatus.DRAFT, author=request.user)
            .select_related("meeting__pair__peer")[:20]
        )
    return render(
        request,
        "logbooks/logbook_list.html",
        {
            "page": page,
            "show": show,
            "drafts": drafts,
            "query": f"show={show}" if show else "",
            "reviewer": has_permission(request.user, P.REVIEW_LOGBOOKS),
        },
    )


@requires(P.REVIEW_LOGBOOKS, P.WRITE_LOGBOOK)
def logbook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perm = P.REVIEW_LOGBOOKS if has_permission(request.user, P.REVIEW_LOGBOOKS) else P.WRITE_LOGBOOK
    logbook = get_object_for_user(
        Logbook.objects.select_related(
            "meeting__pair__peer",
            "meeting__pair__supporter",
            "author",
            "reviewed_by",
            "entered_by",
        ),
        request.user,
        perm,
        pk=pk,
    )
    if logbook.status == LogbookStatus.DRAFT and logbook.author_id != request.user.pk:
        raise Http404
    if logbook.author_id != request.user.pk:
        access_record(
            request=request, participant=logbook.meeting.pair.peer, what=gettext_noop("logbook")
        )
    reviewer = perm == P.REVIEW_LOGBOOKS
    return render(
        request,
        "logbooks/logbook_detail.html",
        {
            "logbook": logbook,
            "meeting": logbook.meeting,
            "pair": logbook.meeting.pair,
            "comments": list(logbook.comments.select_related("author")),
            "versions": list(logbook.versions.all()),
            "reviewer": reviewer,
            # A supporter without a login has the manager who entered it as its author.
            "can_edit": logbook.author_id == request.user.pk != logbook.entered_by_id,
            "can_edit_paper": logbook.entered_by_id == request.user.pk,
            "comment_form": CommentForm(),
        },
    )


@require_POST
@requires(P.REVIEW_LOGBOOKS)
@once_per_submission
def logbook_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager's actions on a logbook: comment, mark reviewed, mark support handled."""
    logbook = get_object_for_user(
        Logbook.objects.select_related("meeting__pair__supporter"),
        request.user,
        P.REVIEW_LOGBOOKS,
        pk=pk,
    )
    if logbook.status == LogbookStatus.DRAFT:
        raise Http404
    action = request.POST.get("action")
    if action == "comment":
        form = CommentForm(request.POST)
        if form.is_valid():
            services.logbook_comment_add(
                logbook=logbook, by=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Your comment is saved; the supporter can read it."))
        else:
            messages.error(request, _("Write a comment first."))
    elif action == "reviewed":
        services.logbook_review(logbook=logbook, by=request.user)
        messages.success(request, _("Marked as reviewed."))
    elif action == "support_handled":
        services.logbook_support_handle(logbook=logbook, by=request.user)
        messages.success(request, _("The support request is marked as handled."))
    else:
        return HttpResponse(status=400)
    return redirect("logbooks:logbook_detail", pk=pk)


# --- Calendar and the peer's information sheet ----------------------------------------------------


@requires(P.VIEW_OWN_PAIRS)
@once_per_submission
def calendar_settings(request: HttpRequest) -> HttpResponse:
    feed = services.calendar_feed_for(request.user)
    if request.method == "POST":
        feed = services.calendar_feed_revoke(user=request.user, by=request.user)
        messages.success(request, _("A new calendar address is made; the old one stopped working."))
        return redirect("logbooks:calendar")
    url = request.build_absolute_uri(reverse("logbooks:calendar_feed", args=[feed.token]))
    webcal = "webcal://" + url.split("://", 1)[1]
    return render(request, "logbooks/calendar.html", {"feed_url": url, "webcal_url": webcal})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The supporter's meetings as iCalendar; the secret in the address is the only key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not has_permission(feed.user, P.VIEW_OWN_PAIRS):
        raise Http404
    return calendar_feed_response(feed.user)


@requires(P.MANAGE_PAIRS, P.VIEW_OWN_PAIRS)
def information_sheet(request: HttpRequest) -> HttpResponse:
    """A printable page for a peer: what their supporter records and who reads it."""
    return render(request, "logbooks/information_sheet.html")
