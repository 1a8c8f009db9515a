"""Cases (pairs) in the evaluation: the outcome pattern list, a case's records and evidence, and
the printable case page. Everything shown is pseudonymised."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import FilteredRelation, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from logbooks.mechanisms import mechanism_context
from logbooks.models import Logbook, Meeting, Pair, PairStatus
from programme.models import Background
from tod.accounts.permissions import get_object_for_user, has_permission, requires
from tod.accounts.roles import Permission
from tod.audit.services import access_record
from tod.once.guard import once_per_submission

from .. import services
from ..engagement import SUBMITTED
from ..forms import (
    CaseConfigurationForm,
    ContextForm,
    EvidenceForm,
    MechanismForm,
    OutcomeForm,
)
from ..models import (
    CaseConfiguration,
    ContextFactor,
    Evidence,
    Interview,
    MeaningUnit,
    Mechanism,
    Outcome,
    OutcomeKind,
    ProgrammeTheory,
    TheoryConfiguration,
)
from ..pseudonyms import age_on, case_pseudonym, participant_pseudonym
from ..queries import (
    allowed_interviews,
    evidence_allowed_q,
    interviews_allowed_q,
    redactor_for,
)
from ..reports import (
    case_pairs,
    cases_for,
    outcome_pattern_queryset,
    outcome_pattern_rows,
    outcome_summary,
)
from ..sources import LOGBOOK_SOURCE_LANGUAGE, logbook_answers, logbook_source_text
from .common import paginate


def _case(request, pk):
    """The case (its first pair) with how it stands now, its peer and first supporter, their
    backgrounds and the peer's two nurse visits (one of each kind at most, by constraint)
    joined in, and its interviews prefetched (newest first)."""
    user = request.user
    visit = "peer__nurse_visits"
    return get_object_for_user(
        cases_for(user)
        .with_case_course()
        .annotate(
            pre_visit=FilteredRelation(visit, condition=Q(peer__nurse_visits__kind="pre")),
            post_visit=FilteredRelation(visit, condition=Q(peer__nurse_visits__kind="post")),
        )
        .select_related(
            "peer__background",
            "supporter__background",
            "pre_visit",
            "post_visit",
        )
        .prefetch_related(
            Prefetch(
                "interviews",
                Interview.objects.filter(interviews_allowed_q()).order_by("-conducted_on", "-id"),
                to_attr="interview_list",
            )
        ),
        user,
        Permission.VIEW_EVALUATION,
        pk=pk,
    )


def _offered(user, pair) -> dict:
    """The choices the evaluator's forms offer: the case's submitted logbooks, the coded
    excerpts (the case's interviews' and every observation's) and the programme theories'
    configurations, a query each."""
    return {
        "logbook": list(
            Logbook.objects.filter(meeting__pair__in=_case_pair_ids(pair), status__in=SUBMITTED)
            .select_related("meeting")
            .order_by("meeting__held_on", "id")
        ),
        "excerpt": list(_excerpts(user, _case_pair_ids(pair), pair)),
        "theory_configuration": list(
            _theory_configurations(user)
            .select_related("theory")
            .order_by("theory_id", "code", "id")
        ),
    }


def _theory_configurations(user):
    return TheoryConfiguration.objects.filter(theory__in=ProgrammeTheory.objects.for_user(user))


def _background(person) -> Background | None:
    """The participant's background (programme's, ADR 0013), None when none is recorded."""
    try:
        return person.background
    except Background.DoesNotExist:
        return None


@requires(Permission.VIEW_EVALUATION)
def case_list(request: HttpRequest) -> HttpResponse:
    """The outcome pattern per case: which outcomes, which contexts hindered or helped."""
    page = paginate(request, outcome_pattern_queryset(request.user))
    return render(
        request,
        "evaluation/case_list.html",
        {
            "page": page,
            "rows": outcome_pattern_rows(page),
            "summary": outcome_summary(request.user),
            "outcome_kinds": OutcomeKind.choices,
        },
    )


def _with_evidence(records, allowed):
    """The records, each with the `allowed` evidence citing it (oldest first) as
    `evidence_items`."""
    return records.prefetch_related(
        Prefetch("evidence", allowed.order_by("id"), to_attr="evidence_items")
    )


def _case_context(request, pair) -> dict:
    # The evidence whose source is still in the user's evaluation (queries.evidence_allowed_q).
    allowed = Evidence.objects.filter(evidence_allowed_q(case_pairs(cases_for(request.user))))
    outcomes = list(_with_evidence(pair.outcomes.all(), allowed))
    # Each configuration's contexts, the same objects as the page's list of contexts.
    contexts = list(
        _with_evidence(pair.contexts.all(), allowed).prefetch_related(
            Prefetch("configurations", CaseConfiguration.objects.only("id"), to_attr="named_by")
        )
    )
    contexts_of: dict[int, list[ContextFactor]] = defaultdict(list)
    for context in contexts:
        for configuration in context.named_by:
            contexts_of[configuration.pk].append(context)
    mechanisms = list(_with_evidence(pair.mechanisms.all(), allowed))
    configurations = list(
        _with_evidence(pair.configurations.all(), allowed).select_related(
            "mechanism", "outcome", "theory_configuration__theory"
        )
    )
    for configuration in configurations:
        configuration.context_items = contexts_of[configuration.pk]
    # FilteredRelation leaves the attribute unset when the visit is not recorded.
    visits = {"pre": getattr(pair, "pre_visit", None), "post": getattr(pair, "post_visit", None)}
    pairs = _case_pairs(pair)
    on = pair.started_on or timezone.localdate()
    # The peer, the first supporter and each substitute (their age when they took over).
    people = [_person(pair.peer, on), _person(pair.supporter, on)]
    known = {pair.peer_id, pair.supporter_id}
    for p in pairs:
        if p.supporter_id not in known:
            known.add(p.supporter_id)
            people.append(_person(p.supporter, p.started_on or on))
    redact = redactor_for(request.user)
    supporters = [
        {
            "pseudonym": participant_pseudonym(p.supporter_id, "supporter"),
            "started_on": p.started_on,
            "ended_on": p.ended_on,
            "status": p.get_status_display(),
            "end_reason": p.end_reason,
        }
        for p in pairs
    ]
    return {
        "pair": pair,
        "case": case_pseudonym(pair.pk),
        "case_status": PairStatus(pair.case_status).label if pair.case_status else "",
        "people": people,
        "supporters": supporters,
        "case_pair_ids": [p.pk for p in pairs],
        "meetings": _case_meetings(pairs),
        "logbook_language": LOGBOOK_SOURCE_LANGUAGE,
        "pre": visits.get("pre"),
        "post": visits.get("post"),
        "outcomes": outcomes,
        "contexts": contexts,
        "mechanisms": mechanisms,
        "configurations": configurations,
        "interviews": pair.interview_list,
        "can_edit": has_permission(request.user, Permission.EDIT_EVALUATION),
        # The background is entered once, on the participant's record (programme), by whoever
        # manages participants; the evaluator only reads it here, under the pseudonym.
        "can_edit_background": has_permission(request.user, Permission.MANAGE_PARTICIPANTS),
        # Free text shown through the installation's Redactor (templatetags.redaction).
        "redact": redact,
    }


def _case_pairs(pair) -> list[Pair]:
    """The pairs of the case, first to last, with their supporters' backgrounds (one query):
    the first pair and every pair a substitute supporter continued it with (if consented)."""
    return list(case_pairs(Pair.objects.filter(pk=pair.pk)).select_related("supporter__background"))


def _person(person, on) -> dict:
    return {
        "id": person.id,
        "pseudonym": participant_pseudonym(person.id, person.kind),
        "kind": person.get_kind_display(),
        "sex": person.get_sex_display(),
        "age": age_on(person.date_of_birth, on),
        "background": _background(person),
    }


def _case_meetings(pairs) -> list[Meeting]:
    """The meetings of all the case's pairs in time order, each with its supporter's
    pseudonym and its submitted logbook's text (one query)."""
    supporter_of = {p.pk: participant_pseudonym(p.supporter_id, "supporter") for p in pairs}
    meetings = list(
        Meeting.objects.filter(pair_id__in=supporter_of)
        .select_related("logbook")
        .order_by("planned_at", "id")
    )
    for meeting in meetings:
        meeting.supporter_pseudonym = supporter_of[meeting.pair_id]
        logbook = getattr(meeting, "logbook", None)
        meeting.logbook_text = (
            logbook_source_text(logbook_answers(logbook))
            if logbook is not None and logbook.status in SUBMITTED
            else ""
        )
    return meetings


@requires(Permission.VIEW_EVALUATION)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _case(request, pk)
    access_record(request=request, participant=pair.peer, what=gettext_noop("evaluation case"))
    context = _case_context(request, pair)
    # The logbooks' mechanism items across the case's meetings, every pair of the case.
    context.update(mechanism_context(context["case_pair_ids"], show_dates=False))
    if context["can_edit"]:
        offered = _offered(request.user, pair)
        context.update(
            outcome_form=OutcomeForm(),
            context_form=ContextForm(),
            mechanism_form=MechanismForm(),
            configuration_form=_configuration_form(
                pair, context, _theory_configurations(request.user), offered
            ),
            evidence_form=EvidenceForm(
                excerpts=_excerpts(request.user, _case_pair_ids(pair), pair),
                logbooks=_logbooks(_case_pair_ids(pair)),
                offered={key: offered[key] for key in ("excerpt", "logbook")},
                redact=context["redact"],
            ),
        )
    return render(request, "evaluation/case_detail.html", context)


def _configuration_form(pair, context, theory_configurations, offered) -> CaseConfigurationForm:
    """The form to link a case configuration, its contexts, mechanisms, outcomes and theory
    configurations offered from the records the page already read (the choices only render:
    the form posts to case_configuration_add, which validates against the database)."""
    form = CaseConfigurationForm(
        pair=pair, theory_configurations=theory_configurations, redact=context["redact"]
    )
    offered = {
        "contexts": context["contexts"],
        "mechanism": context["mechanisms"],
        "outcome": context["outcomes"],
        "theory_configuration": offered["theory_configuration"],
    }
    for name, items in offered.items():
        field = form.fields[name]
        empty = [("", field.empty_label)] if getattr(field, "empty_label", None) else []
        field.choices = empty + [(item.pk, field.label_from_instance(item)) for item in items]
    return form


@requires(Permission.VIEW_EVALUATION)
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The case on one printable page, without forms or menus."""
    pair = _case(request, pk)
    access_record(
        request=request, participant=pair.peer, what=gettext_noop("evaluation case (printed)")
    )
    context = _case_context(request, pair)
    context["can_edit"] = context["can_edit_background"] = False
    context["printed_on"] = timezone.localdate()
    return render(request, "evaluation/case_print.html", context)


def _case_pair_ids(pair):
    """The ids of the case's pairs, as a subquery."""
    return case_pairs(Pair.objects.filter(pk=pair.pk)).values("pk")


def _logbooks(pair_ids):
    return (
        Logbook.objects.filter(meeting__pair_id__in=pair_ids, status__in=SUBMITTED)
        .select_related("meeting")
        .order_by("meeting__held_on", "id")
    )


def _excerpts(user, pair_ids, pair=None):
    """The excerpts a record may cite: those still in the evaluation (MeaningUnitQuerySet.within:
    logbooks of `pair_ids`, interviews whose informant agreed), and for a case's record
    (`pair`) only of its own interviews and logbooks, or of an observation."""
    excerpts = MeaningUnit.objects.for_user(user).within(pair_ids, interviews=allowed_interviews())
    if pair is not None:
        excerpts = excerpts.filter(
            Q(interview__pair=pair) | Q(logbook__isnull=False) | Q(observation__isnull=False)
        )
    return excerpts.order_by("id")


def _post_case_form(request, pk, form_class, save, success):
    pair = get_object_for_user(
        cases_for(request.user).select_related("peer", "supporter"),
        request.user,
        Permission.EDIT_EVALUATION,
        pk=pk,
    )
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(pair, form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
    else:
        messages.error(request, _form_errors(form))
    return redirect("evaluation:case_detail", pk=pair.pk)


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return _("Not saved. ") + " ".join(parts)


@require_POST
@requires(Permission.EDIT_EVALUATION)
def outcome_save(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_case_form(
        request,
        pk,
        OutcomeForm,
        lambda pair, data: services.outcome_save(pair=pair, by=request.user, **data),
        _("The outcome is saved."),
    )


@require_POST
@requires(Permission.EDIT_EVALUATION)
@once_per_submission
def context_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_case_form(
        request,
        pk,
        ContextForm,
        lambda pair, data: services.context_add(pair=pair, by=request.user, **data),
        _("The context is added."),
    )


@require_POST
@requires(Permission.EDIT_EVALUATION)
@once_per_submission
def mechanism_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_case_form(
        request,
        pk,
        MechanismForm,
        lambda pair, data: services.mechanism_add(pair=pair, by=request.user, **data),
        _("The mechanism is added."),
    )


@require_POST
@requires(Permission.EDIT_EVALUATION)
@once_per_submission
def case_configuration_add(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_for_user(
        cases_for(request.user).select_related("peer", "supporter"),
        request.user,
        Permission.EDIT_EVALUATION,
        pk=pk,
    )
    form = CaseConfigurationForm(
        request.POST, pair=pair, theory_configurations=_theory_configurations(request.user)
    )
    if form.is_valid():
        try:
            services.case_configuration_add(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The ICAMO configuration is added."))
    else:
        messages.error(request, _form_errors(form))
    return redirect("evaluation:case_detail", pk=pair.pk)


EVIDENCE_TARGETS = {
    "outcome": (Outcome, "pair__site"),
    "context": (ContextFactor, "pair__site"),
    "mechanism": (Mechanism, "pair__site"),
    "configuration": (CaseConfiguration, "pair__site"),
}


@require_POST
@requires(Permission.EDIT_EVALUATION)
@once_per_submission
def evidence_add(request: HttpRequest, target: str, target_id: int) -> HttpResponse:
    """Cite evidence for a record of a case (or, from the theory page, a theory configuration)."""
    if target == "theory":
        obj = get_object_for_user(
            TheoryConfiguration.objects.for_user(request.user).select_related("theory"),
            request.user,
            Permission.EDIT_EVALUATION,
            pk=target_id,
        )
        pair, site_id = None, obj.theory.site_id
        back = redirect("evaluation:theory_detail", pk=obj.theory_id)
    elif target in EVIDENCE_TARGETS:
        model, _site = EVIDENCE_TARGETS[target]
        obj = get_object_for_user(
            model.objects.filter(pair__in=cases_for(request.user)).select_related("pair"),
            request.user,
            Permission.EDIT_EVALUATION,
            pk=target_id,
        )
        pair, site_id = obj.pair, obj.pair.site_id
        back = redirect("evaluation:case_detail", pk=pair.pk)
    else:
        raise Http404
    pair_ids = _case_pair_ids(pair) if pair else case_pairs(cases_for(request.user)).values("pk")
    excerpts = _excerpts(request.user, pair_ids, pair)
    logbooks = _logbooks(pair_ids)
    form = EvidenceForm(request.POST, excerpts=excerpts, logbooks=logbooks)
    if form.is_valid():
        data = form.cleaned_data
        excerpt = data["excerpt"]
        services.evidence_add(
            target=obj,
            site_id=site_id,
            source_kind=data["source_kind"],
            quote=data["quote"],
            by=request.user,
            excerpt=excerpt,
            interview=excerpt.interview if excerpt else None,
            observation=excerpt.observation if excerpt else None,
            logbook=data["logbook"] or (excerpt.logbook if excerpt else None),
            stance=data["stance"],
        )
        messages.success(request, _("The evidence is added."))
    else:
        messages.error(request, _form_errors(form))
    return back


DELETABLE = {
    "outcome": Outcome,
    "context": ContextFactor,
    "mechanism": Mechanism,
    "configuration": CaseConfiguration,
}


@require_POST
@requires(Permission.EDIT_EVALUATION)
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "evidence":
        record = get_object_for_user(
            Evidence.objects.all(), request.user, Permission.EDIT_EVALUATION, pk=pk
        )
        pair_id = next(
            (
                getattr(record, name).pair_id
                for name in ("outcome", "context", "mechanism", "case_configuration")
                if getattr(record, f"{name}_id")
            ),
            None,
        )
        theory_id = record.theory_configuration.theory_id if pair_id is None else None
    elif kind in DELETABLE:
        record = get_object_for_user(
            DELETABLE[kind].objects.filter(pair__in=cases_for(request.user)),
            request.user,
            Permission.EDIT_EVALUATION,
            pk=pk,
        )
        pair_id, theory_id = record.pair_id, None
    else:
        raise Http404
    services.case_record_delete(record=record, by=request.user)
    messages.success(request, _("Removed."))
    if pair_id is not None:
        return redirect("evaluation:case_detail", pk=pair_id)
    return redirect("evaluation:theory_detail", pk=theory_id)
