"""The diabetes nurse: peers with visits due and done, and the visit form (tablet-friendly)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from logbooks.models import Pair
from programme.models import Participant
from tod.accounts.dashboards import collect_panels
from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission
from tod.audit.services import access_record

from .. import services
from ..forms import NurseVisitForm
from ..models import NurseVisit, VisitKind, post_visit_due_on, post_visit_is_early
from ..queries import has_routine_data_consent, routine_data_consent_q
from ..reports import STARTED, visit_changes
from .common import paginate

# What the access log says was read (kept in English, shown in the reader's language).
VISIT_READ = {
    VisitKind.PRE: gettext_noop("nurse visit (pre)"),
    VisitKind.POST: gettext_noop("nurse visit (post)"),
}

WITHDRAWN = gettext_noop(
    "The peer has withdrawn consent to the use of their routine data in the evaluation (or "
    "never gave it): no visit can be recorded or corrected for the research. A visit recorded "
    "before is kept as your clinical record and is left out of the evaluation."
)


def peers_with_visits(user):
    """The peers of the user's sites who are in the programme (screened eligible, consented,
    not withdrawn: programme's `eligible_peers()`) and consented to the use of their routine
    data, annotated with their visits and their latest started pair. One query per page."""
    visits = NurseVisit.objects.filter(peer=OuterRef("pk"))
    pairs = Pair.objects.filter(peer=OuterRef("pk"), status__in=STARTED).order_by("-started_on")
    return (
        Participant.objects.for_user(user)
        .eligible_peers()
        .filter(routine_data_consent_q())
        .annotate(
            pre_on=Subquery(visits.filter(kind=VisitKind.PRE).values("visited_on")[:1]),
            pre_id=Subquery(visits.filter(kind=VisitKind.PRE).values("id")[:1]),
            post_on=Subquery(visits.filter(kind=VisitKind.POST).values("visited_on")[:1]),
            post_id=Subquery(visits.filter(kind=VisitKind.POST).values("id")[:1]),
            pair_started_on=Subquery(pairs.values("started_on")[:1]),
            pair_ended_on=Subquery(pairs.values("ended_on")[:1]),
            pair_status=Subquery(pairs.values("status")[:1]),
        )
        .order_by("last_name", "first_name", "id")
    )


def _status(peer, today):
    peer.post_due_on = post_visit_due_on(peer.pair_started_on, peer.pair_ended_on)
    peer.pre_due = peer.pre_on is None
    # Due once the pair has ended (early or completed) or two weeks before its six months;
    # before that the nurse may still record it early, saying why.
    peer.post_due = peer.post_on is None and not post_visit_is_early(
        pair_status=peer.pair_status,
        started_on=peer.pair_started_on,
        ended_on=peer.pair_ended_on,
        today=today,
    )
    peer.post_overdue = peer.post_due and peer.post_due_on < today
    return peer


@requires(Permission.VIEW_NURSE_HOME)
def nurse_home(request: HttpRequest) -> HttpResponse:
    """The nurse's list of peers: pre-visit due or done, post-visit due (the pair has ended, or
    six months after it started) or done; a post-visit can be recorded early. Filter with
    ?show=due or ?show=done. Withdrawn and not eligible peers are left out."""
    today = timezone.localdate()
    show = request.GET.get("show", "all")
    peers = peers_with_visits(request.user)
    if show == "due":
        # Pre-visit missing, or post-visit missing for a pair that started; the page marks which
        # of them are due now.
        peers = peers.filter(pre_on__isnull=True) | peers.filter(
            post_on__isnull=True, pair_started_on__isnull=False
        )
    elif show == "done":
        peers = peers.filter(pre_on__isnull=False, post_on__isnull=False)
    page = paginate(request, peers)
    for peer in page:
        _status(peer, today)
    return render(
        request,
        "evaluation/nurse_home.html",
        {
            "page": page,
            "show": show,
            "today": today,
            "panels": collect_panels(request, "nurse"),
        },
    )


def _peer_for(request, peer_id):
    return get_object_for_user(
        Participant.objects.peers(), request.user, Permission.RECORD_NURSE_VISITS, pk=peer_id
    )


@requires(Permission.RECORD_NURSE_VISITS)
def nurse_visit_edit(request: HttpRequest, peer_id: int, kind: str) -> HttpResponse:
    """Record or correct a visit. The form carries the version it was opened at
    (tod.editconflict): a form for a new visit that arrives after the visit was saved (the
    same form sent twice, ten taps at once) is answered "Already saved"; a correction over
    someone else's newer save is refused and shows their changes. A peer without evaluation
    consent (withdrawn, or never given) gets no visit: the nurse is told why."""
    if kind not in VisitKind.values:
        raise Http404
    peer = _peer_for(request, peer_id)
    if request.method != "POST":
        return _visit_form(request, peer, kind)
    with transaction.atomic():
        # Posts for one peer take turns on a lock of the peer's row, from reading the visit to
        # saving it: the second of two posts of a new visit finds the visit the first saved
        # (a repeat, not a second insert and its IntegrityError), and a correction is checked
        # against the version saved last.
        Participant.objects.select_for_update().filter(pk=peer.pk).exists()
        return _visit_form(request, peer, kind)


def _visit_form(request: HttpRequest, peer: Participant, kind: str) -> HttpResponse:
    visit = NurseVisit.objects.filter(peer=peer, kind=kind).first()
    if not has_routine_data_consent(peer):
        messages.error(request, _(WITHDRAWN))
        if visit is not None:
            return redirect("evaluation:nurse_visit_detail", pk=visit.pk)
        return redirect("evaluation:nurse_home")
    if request.method == "GET":
        access_record(request=request, participant=peer, what=VISIT_READ[kind])
    today = timezone.localdate()
    status = started_on = ended_on = None
    early = False
    if kind == VisitKind.POST:
        pair = Pair.objects.filter(peer=peer, status__in=STARTED).order_by("-started_on").first()
        if pair is not None:
            status, started_on, ended_on = pair.status, pair.started_on, pair.ended_on
        early = post_visit_is_early(
            pair_status=status, started_on=started_on, ended_on=ended_on, today=today
        )
    form = NurseVisitForm(
        request.POST or None,
        instance=visit,
        initial=None if visit else {"visited_on": today},
        early=early,
    )
    if request.method == "POST" and form.is_valid():
        visit = services.nurse_visit_save(
            peer=peer,
            kind=kind,
            values=form.visit_values(),
            by=request.user,
            confirmed_warnings=list(form.warnings),
        )
        messages.success(request, _("The visit is saved."))
        return redirect("evaluation:nurse_visit_detail", pk=visit.pk)
    if form.repeated:
        messages.info(request, _("Already saved."))
        return redirect("evaluation:nurse_visit_detail", pk=visit.pk)
    return render(
        request,
        "evaluation/nurse_visit_form.html",
        {
            "peer": peer,
            "kind": VisitKind(kind),
            "form": form,
            "visit": visit,
            "previous": (
                NurseVisit.objects.filter(peer=peer, kind=VisitKind.PRE).first()
                if kind == VisitKind.POST
                else None
            ),
            "show_confirm": bool(form.warnings) or bool(visit and visit.confirmed_warnings),
            "early": early,
            "post_due_on": post_visit_due_on(started_on, ended_on),
        },
    )


@requires(Permission.RECORD_NURSE_VISITS)
def nurse_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_for_user(
        NurseVisit.objects.select_related("peer"),
        request.user,
        Permission.RECORD_NURSE_VISITS,
        pk=pk,
    )
    access_record(request=request, participant=visit.peer, what=VISIT_READ[visit.kind])
    # Her clinical record stays readable to the nurse after a withdrawal; it says so, offers no
    # correction, and the evaluation leaves it out (reports.cases_for: both consented).
    withdrawn = not has_routine_data_consent(visit.peer)
    changes = None
    if visit.kind == VisitKind.POST:
        pre = NurseVisit.objects.filter(peer_id=visit.peer_id, kind=VisitKind.PRE).first()
        changes = visit_changes(pre, visit) if pre else None
    return render(
        request,
        "evaluation/nurse_visit_detail.html",
        {"visit": visit, "changes": changes, "withdrawn": withdrawn},
    )
