"""The pair's pages: one list, one pair page with a panel per stage (proposal, answers, match
meeting, meetings, logbooks, end), and the steps from the board's proposal to the pair's end.
The board's buttons (accept a proposal, accept all, pair these two) post here: matching
proposes, the pair is made by logbooks' services (ADR 0009).

Views stay thin: check the role (`requires`), fetch the object for the user (404 outside their
reach), call a service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import scoring
from matching.forms import AnswerForm, MatchMeetingForm, ScheduleForm, SubstituteForm
from matching.models import MatchProposal, MatchRun
from matching.pool import eligible_supporters
from programme.models import Kind, Participant
from tod.accounts.permissions import get_object_for_user, has_permission, requires
from tod.accounts.roles import Permission
from tod.once.guard import once_per_submission

from .. import services
from ..forms import (
    EndForm,
    MeetingPlanForm,
    MeetingTimeForm,
    PauseForm,
    ResumeForm,
)
from ..mechanisms import mechanism_context
from ..models import (
    Meeting,
    MeetingPlan,
    Pair,
    PairStatus,
)
from ..queries import case_pair_ids, pairs_for_user, risk_reasons, with_progress

PAGE_SIZE = 25
# The list's filter for the pairs the manager still works on (the board links to it).
AWAITING = "awaiting"
P = Permission


def _pair_perm(user) -> Permission:
    return P.MANAGE_PAIRS if has_permission(user, P.MANAGE_PAIRS) else P.VIEW_OWN_PAIRS


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _get_pair(request, pk) -> Pair:
    return get_object_for_user(
        Pair.objects.select_related(
            "supporter", "peer", "site", "meeting_plan", "previous_pair__supporter"
        ),
        request.user,
        _pair_perm(request.user),
        pk=pk,
    )


def _get_meeting(request, pk) -> Meeting:
    return get_object_for_user(
        Meeting.objects.select_related("pair__supporter", "pair__peer", "pair__meeting_plan"),
        request.user,
        P.RECORD_MEETINGS,
        pk=pk,
    )


# --- Pairs ----------------------------------------------------------------------------------------


@requires(P.MANAGE_PAIRS, P.VIEW_OWN_PAIRS)
def pair_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    pairs = with_progress(pairs_for_user(request.user), today=today).select_related(
        "peer", "supporter"
    )
    status = request.GET.get("status", "")
    if status == AWAITING:
        pairs = pairs.filter(status__in=(PairStatus.PROPOSED, PairStatus.AGREED))
    elif status in PairStatus.values:
        pairs = pairs.filter(status=status)
    page = Paginator(pairs.order_by("-started_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for pair in page:
        pair.risks = risk_reasons(pair, today=today)
    return render(
        request,
        "logbooks/pair_list.html",
        {
            "page": page,
            "statuses": [(AWAITING, _("Awaiting answers or match meeting")), *PairStatus.choices],
            "status": status,
            "query": f"status={status}" if status else "",
        },
    )


@requires(P.MANAGE_PAIRS, P.VIEW_OWN_PAIRS)
def pair_detail(request: HttpRequest, pk: int, forms: dict | None = None) -> HttpResponse:
    """The pair page, a panel per stage: the proposal with its score explained, both answers,
    the match meeting (the manager's), then the timeline of planned and held meetings,
    cancellations and why, logbooks, and the end. `forms` carries a step's invalid form back
    (status 400)."""
    pair = _get_pair(request, pk)
    forms = forms or {}
    today = timezone.localdate()
    progress = with_progress(Pair.objects.filter(pk=pair.pk), today=today).get()
    case = case_pair_ids(pair)
    meetings = list(
        Meeting.objects.filter(pair_id__in=case)
        .select_related("logbook", "held_by")
        .annotate(comment_count=Count("logbook__comments"))
        .order_by("planned_at", "id")
    )
    now = timezone.now()
    can_manage = has_permission(request.user, P.MANAGE_PAIRS, pair)
    # The mechanism items over the case's meetings: the manager's only (not the supporter's).
    mechanisms = mechanism_context(case) if can_manage else {}
    for meeting in meetings:
        meeting.overdue = meeting.is_logbook_overdue(today)
        meeting.writable = meeting.is_logbook_writable(now)
        meeting.paper = can_manage and meeting.is_paper_logbook_open(request.user)
    return render(
        request,
        "logbooks/pair_detail.html",
        {
            "pair": pair,
            "progress": progress,
            "risks": risk_reasons(progress, today=today),
            "meetings": meetings,
            "pauses": list(pair.pauses.all()),
            "case_pairs": [pk for pk in case if pk != pair.pk],
            "plan": getattr(pair, "meeting_plan", None),
            "can_manage": can_manage,
            "can_record": has_permission(request.user, P.RECORD_MEETINGS, pair),
            "can_write": has_permission(request.user, P.WRITE_LOGBOOK, pair),
            "running": pair.status in (PairStatus.ACTIVE, PairStatus.PAUSED),
            "pause_form": PauseForm(initial={"starts_on": today}),
            "resume_form": ResumeForm(initial={"resumes_on": today}),
            "end_form": EndForm(),
            "add_form": MeetingTimeForm(),
            **_stage_forms(pair, forms, offer_substitute=request.GET.get("substitute") == "1"),
            "criteria": scoring.CRITERIA,
            **mechanisms,
        },
        status=400 if forms else 200,
    )


def _stage_forms(pair: Pair, forms: dict, *, offer_substitute: bool) -> dict:
    """The forms of the steps the pair's status allows now (state machine: Pair.can). The
    substitute's form lists every eligible supporter of the site (a tenth of a second at
    national scale), so it is built only when the manager asks for it (`?substitute=1`)."""
    context: dict = {"can_substitute": pair.can("substitute")}
    if pair.can("answer"):
        context["answer_form"] = forms.get("answer") or AnswerForm()
    if pair.can("start"):
        initial = {"at": pair.match_meeting_at, "place": pair.match_meeting_place}
        context["schedule_form"] = forms.get("schedule") or ScheduleForm(initial=initial)
        context["meeting_form"] = forms.get("meeting") or MatchMeetingForm()
    if context["can_substitute"] and (offer_substitute or "substitute" in forms):
        context["substitute_form"] = forms.get("substitute") or SubstituteForm(
            supporters=_substitutes(pair)
        )
    return context


def _post_form(request, form_class, pair_pk):
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return None
    return form


@require_POST
@requires(P.MANAGE_PAIRS)
@once_per_submission
def pair_pause(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair(request, pk)
    form = _post_form(request, PauseForm, pk)
    if form is not None:
        try:
            services.pair_pause(pair=pair, by=request.user, **form.cleaned_data)
            messages.success(request, _("The pair is paused; its reminders wait."))
        except ValidationError as exc:
            _error(request, exc)
    return redirect("logbooks:pair_detail", pk=pk)


@require_POST
@requires(P.MANAGE_PAIRS)
def pair_resume(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair(request, pk)
    form = _post_form(request, ResumeForm, pk)
    if form is not None:
        try:
            services.pair_resume(pair=pair, by=request.user, **form.cleaned_data)
            messages.success(request, _("The pair has resumed; the plan moved with the pause."))
        except ValidationError as exc:
            _error(request, exc)
    return redirect("logbooks:pair_detail", pk=pk)


@require_POST
@requires(P.MANAGE_PAIRS)
def pair_end(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair(request, pk)
    form = _post_form(request, EndForm, pk)
    if form is not None:
        try:
            services.pair_end(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The pair has ended; its future meetings are cancelled."))
    return redirect("logbooks:pair_detail", pk=pk)


@requires(P.MANAGE_PAIRS)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair(request, pk)
    plan = getattr(pair, "meeting_plan", None)
    if plan is None:
        raise Http404
    form = MeetingPlanForm(request.POST or None, instance=MeetingPlan.objects.get(pk=plan.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.pair_plan_update(plan=plan, by=request.user, **data)
        messages.success(request, _("The plan is updated; future meetings moved with it."))
        return redirect("logbooks:pair_detail", pk=pk)
    return render(request, "logbooks/plan_form.html", {"pair": pair, "form": form})


# --- From the board's proposal to the match meeting ----------------------------------------------


def _substitutes(pair: Pair):
    return (
        eligible_supporters()
        .filter(site_id=pair.site_id)
        .exclude(pk=pair.supporter_id)
        .order_by("last_name", "first_name")
    )


@require_POST
@requires(P.MANAGE_PAIRS)
@once_per_submission
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's "accept": put the run's proposed pair to both parties."""
    proposal = get_object_for_user(
        MatchProposal.objects.select_related("run", "peer", "supporter"),
        request.user,
        P.MANAGE_PAIRS,
        pk=pk,
    )
    try:
        pair = services.pair_propose(
            peer=proposal.peer, supporter=proposal.supporter, proposal=proposal, by=request.user
        )
    except ValidationError as exc:
        _error(request, exc)
        return redirect(f"{reverse('matching:board')}?site={proposal.run.site_id}")
    messages.success(request, _("The pair is proposed to both: record their answers."))
    return redirect("logbooks:pair_detail", pk=pair.pk)


@require_POST
@requires(P.MANAGE_PAIRS)
def run_accept_all(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's "accept all": every proposal of the run whose peer and supporter are still
    free."""
    run = get_object_for_user(MatchRun.objects.all(), request.user, P.MANAGE_PAIRS, pk=pk)
    created = services.proposals_accept_all(run=run, by=request.user)
    messages.success(
        request,
        _("%(count)s pairs are proposed to both: record their answers.") % {"count": created},
    )
    return redirect(f"{reverse('matching:board')}?site={run.site_id}")


@require_POST
@requires(P.MANAGE_PAIRS)
@once_per_submission
def pair_create(request: HttpRequest, pk: int, supporter_pk: int) -> HttpResponse:
    """The manager's own choice (overriding the proposal): propose this pair to both."""
    peer = get_object_for_user(
        Participant.objects.filter(kind=Kind.PEER), request.user, P.MANAGE_PAIRS, pk=pk
    )
    supporter = get_object_for_user(
        Participant.objects.filter(kind=Kind.SUPPORTER, site_id=peer.site_id),
        request.user,
        P.MANAGE_PAIRS,
        pk=supporter_pk,
    )
    try:
        pair = services.pair_propose(peer=peer, supporter=supporter, by=request.user)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("matching:candidates", pk=peer.pk)
    messages.success(request, _("The pair is proposed to both: record their answers."))
    return redirect("logbooks:pair_detail", pk=pair.pk)


def _pair_step(request, pk, form_class, key, action):
    pair = get_object_for_user(
        Pair.objects.select_related("peer", "supporter"), request.user, P.MANAGE_PAIRS, pk=pk
    )
    form = form_class(request.POST)
    if not form.is_valid():
        return pair_detail(request, pk, forms={key: form})
    try:
        action(pair, form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
    return redirect("logbooks:pair_detail", pk=pair.pk)


@require_POST
@requires(P.MANAGE_PAIRS)
def pair_answer(request: HttpRequest, pk: int) -> HttpResponse:
    def act(pair, data):
        services.pair_answer_record(
            pair=pair,
            side=data["side"],
            agreed=data["answer"] == "agreed",
            reason=data["reason"],
            by=request.user,
        )
        messages.success(request, _("The answer is recorded."))

    return _pair_step(request, pk, AnswerForm, "answer", act)


@require_POST
@requires(P.MANAGE_PAIRS)
def pair_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    def act(pair, data):
        services.pair_match_meeting_schedule(
            pair=pair, at=data["at"], place=data["place"], by=request.user
        )
        messages.success(request, _("The match meeting is planned."))

    return _pair_step(request, pk, ScheduleForm, "schedule", act)


@require_POST
@requires(P.MANAGE_PAIRS)
def pair_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    def act(pair, data):
        services.pair_match_meeting_record(
            pair=pair,
            held_on=data["held_on"],
            expectations=data["expectations"],
            wishes=data["wishes"],
            weekday=data["weekday"],
            time=data["time"],
            place=data["place"],
            by=request.user,
        )
        messages.success(request, _("The match meeting is recorded: the pair is active."))

    return _pair_step(request, pk, MatchMeetingForm, "meeting", act)


@require_POST
@requires(P.MANAGE_PAIRS)
@once_per_submission
def pair_substitute(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair(request, pk)
    form = SubstituteForm(request.POST, supporters=_substitutes(pair))
    if not form.is_valid():
        return pair_detail(request, pk, forms={"substitute": form})
    try:
        successor = services.pair_substitute_supporter(
            pair=pair,
            supporter=form.cleaned_data["supporter"],
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["took_over_on"],
            by=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return pair_detail(request, pk, forms={"substitute": form})
    messages.success(request, _("The substitute supporter continues the case."))
    return redirect("logbooks:pair_detail", pk=successor.pk)
