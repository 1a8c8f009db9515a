"""Programme theory versions and their ICAMO configurations, with the evidence for and against."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tod.accounts.permissions import get_object_for_user, has_permission, requires
from tod.accounts.roles import Permission
from tod.once.guard import once_per_submission

from .. import services
from ..forms import EvidenceForm, TheoryConfigurationForm, TheoryForm, redact_initial
from ..models import CaseConfiguration, Evidence, MeaningUnit, ProgrammeTheory, TheoryConfiguration
from ..pseudonyms import case_pseudonym
from ..queries import allowed_interviews, evidence_allowed_q, redactor_for
from ..reports import case_pairs, cases_for
from .cases import _logbooks
from .common import paginate


def _site_for(request):
    """The site new records go to: the user's first site."""
    return request.user.sites.order_by("id").first()


@requires(Permission.VIEW_EVALUATION)
@once_per_submission
def theory_list(request: HttpRequest) -> HttpResponse:
    theories = ProgrammeTheory.objects.for_user(request.user).select_related("refines", "site")
    can_edit = has_permission(request.user, Permission.EDIT_EVALUATION)
    # Titles are free text: shown through the Redactor (templatetags.redaction), the choices of
    # the version a new one refines too.
    redact = redactor_for(request.user)
    form = None
    if can_edit:
        form = TheoryForm(request.POST or None, theories=theories, redact=redact)
        if request.method == "POST" and form.is_valid():
            site = _site_for(request)
            refines = form.cleaned_data["refines"]
            theory = services.theory_create(
                site=refines.site if refines else site,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                refines=refines,
                by=request.user,
            )
            messages.success(request, _("The programme theory is created."))
            return redirect("evaluation:theory_detail", pk=theory.pk)
    return render(
        request,
        "evaluation/theory_list.html",
        {
            "page": paginate(request, theories),
            "form": form,
            "can_edit": can_edit,
            "redact": redact,
        },
    )


@requires(Permission.VIEW_EVALUATION)
def theory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A theory version: each configuration with the cases that support, refute or refine it
    and the evidence cited."""
    theory = get_object_for_user(
        ProgrammeTheory.objects.select_related("refines"),
        request.user,
        Permission.VIEW_EVALUATION,
        pk=pk,
    )
    cases = cases_for(request.user)
    configurations = list(
        TheoryConfiguration.objects.filter(theory=theory)
        .select_related("derived_from__theory")
        .prefetch_related(
            Prefetch(
                "case_configurations",
                queryset=CaseConfiguration.objects.filter(pair__in=cases).select_related(
                    "mechanism", "outcome"
                ),
            ),
        )
    )
    # The evidence of the configurations and of the cases tested against them, in one query.
    evidence = Evidence.objects.filter(
        Q(theory_configuration__theory=theory)
        | Q(
            case_configuration__theory_configuration__theory=theory,
            case_configuration__pair__in=cases,
        )
    ).filter(evidence_allowed_q(case_pairs(cases)))
    by_theory: dict[int, list[Evidence]] = defaultdict(list)
    by_case: dict[int, list[Evidence]] = defaultdict(list)
    for item in evidence:
        if item.theory_configuration_id is not None:
            by_theory[item.theory_configuration_id].append(item)
        if item.case_configuration_id is not None:
            by_case[item.case_configuration_id].append(item)
    for configuration in configurations:
        configuration.evidence_items = by_theory[configuration.pk]
        for case_configuration in configuration.case_configurations.all():
            case_configuration.case = case_pseudonym(case_configuration.pair_id)
            case_configuration.evidence_items = by_case[case_configuration.pk]
    can_edit = has_permission(request.user, Permission.EDIT_EVALUATION)
    # The theory's texts, its configurations' and the evidence quotes, and the labels of the
    # excerpts offered as evidence, shown through the Redactor (templatetags.redaction).
    redact = redactor_for(request.user)
    return render(
        request,
        "evaluation/theory_detail.html",
        {
            "theory": theory,
            "configurations": configurations,
            "can_edit": can_edit,
            "redact": redact,
            "configuration_form": TheoryConfigurationForm(theory=theory) if can_edit else None,
            "evidence_form": (
                EvidenceForm(
                    excerpts=MeaningUnit.objects.for_user(request.user).within(
                        case_pairs(cases).values("pk"), interviews=allowed_interviews()
                    ),
                    logbooks=_logbooks(cases.values("pk")),
                    redact=redact,
                )
                if can_edit
                else None
            ),
        },
    )


@require_POST
@requires(Permission.EDIT_EVALUATION)
@once_per_submission
def theory_configuration_add(request: HttpRequest, pk: int) -> HttpResponse:
    theory = get_object_for_user(
        ProgrammeTheory.objects.all(), request.user, Permission.EDIT_EVALUATION, pk=pk
    )
    form = TheoryConfigurationForm(request.POST, theory=theory)
    if form.is_valid():
        services.theory_configuration_save(theory=theory, values=form.cleaned_data, by=request.user)
        messages.success(request, _("The configuration is added."))
    else:
        from .cases import _form_errors

        messages.error(request, _form_errors(form))
    return redirect("evaluation:theory_detail", pk=theory.pk)


@requires(Permission.EDIT_EVALUATION)
def theory_configuration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a configuration, e.g. the copy a refinement starts from."""
    configuration = get_object_for_user(
        TheoryConfiguration.objects.select_related("theory"),
        request.user,
        Permission.EDIT_EVALUATION,
        pk=pk,
    )
    form = TheoryConfigurationForm(
        request.POST or None, instance=configuration, theory=configuration.theory
    )
    redact = redactor_for(request.user)
    redact_initial(form, redact, ("code", "context", "statement"))
    if request.method == "POST" and form.is_valid():
        services.theory_configuration_save(
            theory=configuration.theory,
            values=form.cleaned_data,
            by=request.user,
            configuration=configuration,
        )
        messages.success(request, _("The configuration is saved."))
        return redirect("evaluation:theory_detail", pk=configuration.theory_id)
    return render(
        request,
        "evaluation/theory_configuration_form.html",
        {"form": form, "configuration": configuration, "redact": redact},
    )
