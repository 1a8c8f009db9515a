"""Recruitment, screening, consent, the initial conversation and withdrawal (component 1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from tod import csvsafe
from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission
from tod.once.guard import once_per_submission
from tod.privacy.tiers import ExportTier, export_log, export_tier

from .. import services
from ..forms import (
    ConsentForm,
    ConversationForm,
    ParticipantFilterForm,
    ParticipantForm,
    RoundForm,
    ScreeningForm,
    WithdrawalForm,
)
from ..models import (
    ConsentPurpose,
    ConsentText,
    Kind,
    Participant,
    Round,
    purposes_for,
)
from ..queries import (
    FUNNEL_STAGES,
    funnel_by_channel,
    funnel_by_round,
    participant_detail_queryset,
    participant_page,
)
from ..status import participant_statuses_refresh
from .common import add_service_error, paginate

P = Permission.MANAGE_PARTICIPANTS


def _participant(request: HttpRequest, pk: int) -> Participant:
    return get_object_for_user(
        Participant.objects.select_related("site", "round"), request.user, P, pk=pk
    )


# What a row shows (programme/_participant_row.html); the list reads nothing else (no addresses,
# phones or notes).
ROW_FIELDS = (
    "first_name",
    "last_name",
    "kind",
    "status",
    "referral_channel",
    "created_at",
    "round__name",
)


@requires(P)
def participant_list(request: HttpRequest) -> HttpResponse:
    # Unfiltered (the usual visit), no form is built: the template shows the filters rendered
    # once per language, and there is nothing to narrow.
    filters = ParticipantFilterForm(request.GET) if request.GET else None

    def narrow(queryset):
        return filters.filter(queryset) if filters else queryset

    participants = Participant.objects.with_duplicate_flag().in_sites_of(request.user)
    if request.GET.get("format") == "csv":
        return _participants_csv(request, narrow(participants).select_related("round"))
    # The total counts the same participants without the row's join and twin flag: counting
    # the rows' own query cost twice the CPU (bench/pages.py).
    page = paginate(
        request,
        narrow(participants.select_related("round").only(*ROW_FIELDS)),
        count_from=narrow(Participant.objects.in_sites_of(request.user)),
    )
    return render(
        request,
        "programme/participant_list.html",
        {
            "filters": filters,
            # Built only if the unfiltered filters are not yet rendered in this process.
            "empty_filters": SimpleLazyObject(ParticipantFilterForm),
            "page": page,
        },
    )


def _participants_csv(request: HttpRequest, queryset) -> HttpResponse:
    """The filtered list as CSV for the manager: the `full` export tier (names), the manager's
    own sites only, written to the access log of every participant in it."""
    if export_tier(request.user) < ExportTier.FULL:
        raise PermissionDenied
    export_log(
        request=request,
        tier=ExportTier.FULL,
        what=gettext_noop("participant list (CSV)"),
        participants=queryset,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="participants.csv"'
    response["Cache-Control"] = "no-store"
    writer = csvsafe.writer(response)
    writer.writerow(
        [
            _("Id"),
            _("First name"),
            _("Last name"),
            _("Role"),
            _("Status"),
            _("Channel"),
            _("Referred by"),
            _("Round"),
            _("Registered"),
            _("Possible duplicate"),
        ]
    )
    for p in queryset.iterator(chunk_size=500):
        writer.writerow(
            [
                p.pk,
                p.first_name,
                p.last_name,
                p.get_kind_display(),
                p.get_status_display(),
                p.get_referral_channel_display(),
                p.referred_by,
                p.round.name if p.round else "",
                timezone.localdate(p.created_at).isoformat(),
                _("yes") if p.has_duplicate else "",
            ]
        )
    return response


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def participant_create(request: HttpRequest) -> HttpResponse:
    form = ParticipantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_not_duplicate"}
        site = data.pop("site")
        try:
            participant = services.participant_create(site=site, by=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": participant})
            return redirect("programme:participant_detail", pk=participant.pk)
    return render(
        request, "programme/form.html", {"form": form, "title": _("Register a participant")}
    )


@requires(P)
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a participant's record. The form carries the version it was opened at
    (tod.editconflict): a save over someone else's newer save is refused and shows their
    changes; the record is locked while a post is checked and saved, so two saves in the same
    instant are checked one after the other."""
    with transaction.atomic():
        participant = _participant(request, pk)
        if request.method == "POST":
            Participant.objects.select_for_update().filter(pk=participant.pk).exists()
            participant.refresh_from_db()
        form = ParticipantForm(
            request.POST or None,
            instance=participant,
            user=request.user,
            initial={"site": participant.site},
        )
        if request.method == "POST" and form.is_valid():
            messages.success(request, _("Saved."))
            form.save()
            # The role decides the stage ("trained" is a supporter's): derive it again.
            participant_statuses_refresh(participants=[participant])
            return redirect("programme:participant_detail", pk=participant.pk)
        if form.repeated:
            messages.info(request, _("Already saved."))
            return redirect("programme:participant_detail", pk=participant.pk)
    return render(
        request,
        "programme/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": participant}, "back": participant},
    )


@requires(P)
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_object_for_user(participant_detail_queryset(), request.user, P, pk=pk)
    return render(
        request,
        "programme/participant_detail.html",
        {"participant": participant, **participant_page(participant)},
    )


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def participant_screen(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    form = ScreeningForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            screening = services.screening_record(
                participant=participant,
                screened_on=data["screened_on"],
                answers=form.answers(),
                override_result=data["override_result"],
                override_reason=data["override_reason"],
                notes=data["notes"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Screening saved: %(result)s.") % {"result": screening.get_result_display()},
            )
            return redirect("programme:participant_detail", pk=participant.pk)
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Screen %(name)s") % {"name": participant},
            "intro": _(
                "Answer each inclusion criterion. All met: eligible; any not met: not eligible; "
                "otherwise the screening needs review."
            ),
            "back": participant,
        },
    )


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def participant_consent(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    purpose = request.GET.get("purpose", ConsentPurpose.PROGRAMME)
    if purpose not in purposes_for(participant.kind):
        purpose = ConsentPurpose.PROGRAMME
    form = ConsentForm(
        request.POST or None,
        site=participant.site,
        kind=participant.kind,
        initial={
            "purpose": purpose,
            "text": ConsentText.objects.current(purpose, site=participant.site),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(participant=participant, by=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("programme:participant_detail", pk=participant.pk)
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Consent of %(name)s") % {"name": participant},
            "intro": _(
                "Each purpose is answered separately. A new answer is added to the history; "
                "earlier answers are kept."
            ),
            "contact": services.site_settings_for(participant.site),
            "back": participant,
        },
    )


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def participant_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    form = ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.conversation_record(participant=participant, by=request.user, **form.cleaned_data)
        messages.success(request, _("Conversation recorded."))
        return redirect("programme:participant_detail", pk=participant.pk)
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Initial conversation with %(name)s") % {"name": participant},
            "back": participant,
        },
    )


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def participant_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            withdrawal = services.participant_withdraw(
                participant=participant,
                withdrawn_on=data["withdrawn_on"],
                reason=data["reason"],
                initiated_by=data["initiated_by"],
                data_choice=data["data_choice"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The withdrawal is recorded; %(count)s pair(s) ended.")
                % {"count": withdrawal.pairs_ended},
            )
            return redirect("programme:participant_detail", pk=participant.pk)
    return render(
        request,
        "programme/form.html",
        {
            "form": form,
            "title": _("Withdraw %(name)s") % {"name": participant},
            "intro": _(
                "An active pair ends and future meetings, reminders and invitations are "
                "cancelled. Nothing is deleted unless the participant asked to erase their "
                "personal data."
            ),
            "back": participant,
            "danger": True,
        },
    )


def _funnel_queryset(request: HttpRequest):
    queryset = Participant.objects.for_user(request.user)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        queryset = queryset.filter(kind=kind)
    round_id = request.GET.get("round", "")
    if round_id.isdigit():
        queryset = queryset.filter(round_id=int(round_id))
    return queryset


@requires(P)
def funnel(request: HttpRequest) -> HttpResponse:
    rows = funnel_by_channel(_funnel_queryset(request))
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="recruitment-funnel.csv"'
        writer = csvsafe.writer(response)
        writer.writerow([_("Channel"), *[str(label) for _name, label in FUNNEL_STAGES]])
        for row in rows:
            writer.writerow([str(row["label"]), *[row[name] for name, _label in FUNNEL_STAGES]])
        return response
    return render(
        request,
        "programme/funnel.html",
        {
            "rows": rows,
            "stages": FUNNEL_STAGES,
            "kinds": Kind.choices,
            "rounds": Round.objects.for_user(request.user).select_related("site"),
            "query": request.GET.urlencode(),
        },
    )


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def round_list(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Round created."))
        return redirect("programme:round_list")
    rounds = Round.objects.for_user(request.user).select_related("site")
    page = paginate(request, rounds)
    return render(
        request,
        "programme/round_list.html",
        {
            "form": form,
            "page": page,
            "stages": FUNNEL_STAGES,
            "comparison": funnel_by_round(
                Participant.objects.filter(round__in=list(page.object_list)), page.object_list
            ),
        },
    )
