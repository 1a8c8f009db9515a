"""Interviews, observations and logbooks, and coding their meaning units (systematic text
condensation).

Texts are pseudonymised when they are saved: the names and contact details of every person the
installation knows are replaced by their pseudonyms, so what is stored, shown, coded and exported
is the same pseudonymised text. Pages and exports pass the text through the Redactor again, for
what was stored before it knew a name."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from logbooks.models import Logbook
from programme.views.common import add_service_error
from tod.accounts.permissions import get_object_for_user, has_permission, requires
from tod.accounts.roles import Permission
from tod.audit.services import access_record
from tod.once.guard import once_per_submission

from .. import services
from ..engagement import SUBMITTED
from ..forms import InterviewForm, MeaningUnitForm, ObservationForm, redact_initial
from ..models import Interview, Observation
from ..observed import not_observable_at
from ..pseudonyms import case_pseudonym, participant_pseudonym
from ..queries import interviews_allowed_q, redactor_for
from ..reports import case_pairs, cases_for
from ..sources import LOGBOOK_SOURCE_LANGUAGE, source_text
from .common import paginate
from .theory import _site_for


@requires(Permission.VIEW_EVALUATION)
def interview_list(request: HttpRequest) -> HttpResponse:
    interviews = (
        Interview.objects.for_user(request.user)
        .filter(interviews_allowed_q())
        .order_by("-conducted_on", "-id")
    )
    page = paginate(request, interviews)
    for interview in page:
        interview.case = case_pseudonym(interview.pair_id) if interview.pair_id else ""
    return render(
        request,
        "evaluation/interview_list.html",
        {"page": page, "can_edit": has_permission(request.user, Permission.EDIT_EVALUATION)},
    )


@requires(Permission.EDIT_EVALUATION)
@once_per_submission
def interview_create(request: HttpRequest) -> HttpResponse:
    form = InterviewForm(request.POST or None, pairs=cases_for(request.user))
    if request.method == "POST" and form.is_valid():
        pair = form.cleaned_data["pair"]
        site = pair.site if pair else _site_for(request)
        try:
            interview = services.interview_save(
                site=site, values=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The interview is saved."))
            return redirect("evaluation:interview_detail", pk=interview.pk)
    return render(request, "evaluation/interview_form.html", {"form": form})


def _source_detail(request, source, template, extra, *, units=None):
    """The coding page of a source: its text, its meaning units, the form to code one.
    `units`: the source's meaning units (an interview's or observation's `excerpts` when not
    given)."""
    can_edit = has_permission(request.user, Permission.EDIT_EVALUATION)
    form = MeaningUnitForm(request.POST or None, source=source) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_valid():
            services.meaning_unit_add(
                source=source,
                text=form.cleaned_data["text"],
                condensed=form.cleaned_data["condensed"],
                code_groups=form.cleaned_data["code_groups"],
                by=request.user,
            )
            messages.success(request, _("The meaning unit is coded."))
            return redirect(request.path)
    units = (source.excerpts if units is None else units).prefetch_related("code_groups__theme")
    return render(
        request,
        template,
        {
            "source": source,
            "text": source_text(source),
            "units": units.order_by("start", "id"),
            "form": form,
            "can_edit": can_edit,
            # Shown through the Redactor, which leaves text stored redacted as it is: an excerpt
            # copied from the page is found in the stored text (services.meaning_unit_add).
            "redact": redactor_for(request.user),
            **extra,
        },
    )


@requires(Permission.VIEW_EVALUATION)
@once_per_submission
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = get_object_for_user(
        Interview.objects.filter(interviews_allowed_q()),
        request.user,
        Permission.VIEW_EVALUATION,
        pk=pk,
    )
    return _source_detail(
        request,
        interview,
        "evaluation/interview_detail.html",
        {
            "case": case_pseudonym(interview.pair_id) if interview.pair_id else "",
            "informant": participant_pseudonym(interview.informant_id, interview.informant_type)
            if interview.informant_id
            else "",
        },
    )


@requires(Permission.VIEW_EVALUATION)
def observation_list(request: HttpRequest) -> HttpResponse:
    observations = (
        Observation.objects.for_user(request.user)
        .select_related("course", "session")
        .order_by("-observed_on", "-id")
    )
    return render(
        request,
        "evaluation/observation_list.html",
        {
            "page": paginate(request, observations),
            "can_edit": has_permission(request.user, Permission.EDIT_EVALUATION),
            # Titles are free text (templatetags.redaction).
            "redact": redactor_for(request.user),
        },
    )


@requires(Permission.EDIT_EVALUATION)
@once_per_submission
def observation_create(request: HttpRequest) -> HttpResponse:
    form = ObservationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data["site"]
        observation = services.observation_save(
            site=site, values=form.cleaned_data, by=request.user
        )
        messages.success(request, _("The observation is saved."))
        return redirect("evaluation:observation_detail", pk=observation.pk)
    return render(request, "evaluation/observation_form.html", {"form": form})


@requires(Permission.VIEW_EVALUATION)
@once_per_submission
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    observation = get_object_for_user(
        Observation.objects.select_related("course", "session"),
        request.user,
        Permission.VIEW_EVALUATION,
        pk=pk,
    )
    return _source_detail(
        request,
        observation,
        "evaluation/observation_detail.html",
        {"not_observable": not_observable_at(observation)},
    )


@requires(Permission.VIEW_EVALUATION)
@once_per_submission
def logbook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A submitted logbook of a case coded as a source, as an interview is: its source document
    (sources.py), its meaning units and the form to code one. Only the logbooks the case's
    consents bring into the evaluation (cases_for, case_pairs): any other is 404."""
    logbook = get_object_for_user(
        Logbook.objects.filter(
            meeting__pair__in=case_pairs(cases_for(request.user)), status__in=SUBMITTED
        ).select_related("meeting__pair__peer"),
        request.user,
        Permission.VIEW_EVALUATION,
        pk=pk,
    )
    pair = logbook.meeting.pair
    case_id = pair.root_pair_id or pair.pk
    access_record(request=request, participant=pair.peer, what=gettext_noop("evaluation logbook"))
    return _source_detail(
        request,
        logbook,
        "evaluation/logbook_detail.html",
        {
            "case": case_pseudonym(case_id),
            "case_id": case_id,
            "supporter": participant_pseudonym(pair.supporter_id, "supporter"),
            "text_language": LOGBOOK_SOURCE_LANGUAGE,
        },
        units=logbook.evaluation_excerpts.all(),
    )


@requires(Permission.EDIT_EVALUATION)
def interview_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an interview's details. The transcript is locked once excerpts are coded, since
    their positions point into it."""
    interview = get_object_for_user(
        Interview.objects.filter(interviews_allowed_q()),
        request.user,
        Permission.EDIT_EVALUATION,
        pk=pk,
    )
    form = InterviewForm(request.POST or None, instance=interview, pairs=cases_for(request.user))
    locked = interview.excerpts.exists()
    if locked:
        form.fields["transcript"].disabled = True
    # The stored texts shown through the Redactor, as on the interview's page.
    redact_initial(form, redactor_for(request.user), ("transcript", "notes"))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        if locked:
            # Kept as stored, not redacted anew: the coded excerpts' positions point into it.
            values.pop("transcript")
        try:
            services.interview_save(
                site=interview.site, values=values, by=request.user, interview=interview
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The interview is saved."))
            return redirect("evaluation:interview_detail", pk=interview.pk)
    return render(request, "evaluation/interview_form.html", {"form": form, "locked": locked})
