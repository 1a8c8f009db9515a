"""Views of the matching app: the manager's board, candidates, comparison, rules, runs, surveys
and weights; a supporter's own survey. The pairs' pages are logbooks' (ADR 0009). Thin: parse,
check permission, call a service or a query, render."""

from __future__ import annotations

import numpy as np
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, When, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from programme.models import Kind, Participant, background_of
from tod.accounts.models import Site
from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission
from tod.once.guard import once_per_submission

from . import scoring, services
from .compare import compare_surveys
from .forms import (
    RuleForm,
    WeightsForm,
    survey_form_class,
)
from .models import (
    MatchProposal,
    MatchRule,
    MatchRun,
    MatchSurvey,
    MatchWeights,
    RuleKind,
    RunStatus,
    UnmatchedPeer,
    UnmatchedReason,
)
from .occupancy import occupancy
from .pool import load_pool, without_location

P = Permission
PAGE_SIZE = 25
UNLOCATED_SHOWN = 50  # the board lists this many people without a location, and counts the rest


def _site(request: HttpRequest) -> Site:
    """The site the manager works on: ?site=<id> among theirs, else their first."""
    return _site_among(request, _sites(request))


def _sites(request: HttpRequest) -> list[Site]:
    return list(Site.objects.filter(staff=request.user).order_by("name"))


def _site_among(request: HttpRequest, sites: list[Site]) -> Site:
    """The site among `sites` (the user's) that ?site=<id> names, else the first; 404 if none."""
    wanted = str(request.GET.get("site") or request.POST.get("site") or "")
    if wanted:
        site = next((s for s in sites if str(s.pk) == wanted), None)
    else:
        site = sites[0] if sites else None
    if site is None:
        raise Http404
    return site


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- the board -----------------------------------------------------------------------------------


@requires(P.MANAGE_MATCHING)
def board(request: HttpRequest) -> HttpResponse:
    """The latest proposal of the site, with what became of each proposed pair, and every peer
    it left without a supporter with the reason (matching.unmatched)."""
    sites = _sites(request)  # listed by the page's site switch too
    site = _site_among(request, sites)
    run = MatchRun.objects.latest_for_site(site.pk)
    page = None
    unmatched = None
    stale = False
    if run is not None:
        # The run knows how many pairs it proposed and how many peers it left without a
        # supporter: the pages need no COUNT of their own.
        taken = occupancy().open_for_peer(OuterRef("peer"))
        proposals = (
            MatchProposal.objects.filter(run=run)
            .select_related("peer", "supporter")
            .annotate(peer_taken=Exists(taken))
            .order_by("peer__last_name", "peer__first_name", "id")
        )
        page = _known_count_page(proposals, count=run.pairs, number=request.GET.get("page"))
        if run.unmatched is not None:
            unmatched = _known_count_page(
                UnmatchedPeer.objects.filter(run=run)
                .select_related("peer")
                .order_by(*UNMATCHED_ORDER),
                count=run.unmatched,
                number=request.GET.get("unmatched_page"),
            )
        # Answers or weights changed since the run: one query, whichever changed.
        surveys = MatchSurvey.objects.filter(participant__site=site, created_at__gt=run.created_at)
        weights = MatchWeights.objects.filter(site=site, updated_at__gt=run.created_at)
        stale = (
            Site.objects.filter(pk=site.pk).filter(Q(Exists(surveys)) | Q(Exists(weights))).exists()
        )
    return render(
        request,
        "matching/board.html",
        {
            "site": site,
            "sites": sites,
            "run": run,
            "void_locks": _void_locks(run),
            "page": page,
            "stale": stale,
            "in_matching": _awaiting_count(site),
            "unmatched": unmatched,
            "extra": f"site={site.pk}",
            **_unlocated(site),
        },
    )


def _unlocated(site: Site) -> dict:
    """The first of the pool's people without a known location, and how many there are: one
    query (a window counts them all), whatever their number."""
    shown = list(without_location(site.pk).annotate(total=Window(Count("pk")))[:UNLOCATED_SHOWN])
    return {"unlocated": shown, "unlocated_count": shown[0].total if shown else 0}


def _awaiting_count(site: Site) -> int:
    """Pairs of the site waiting for answers or the match meeting (one query)."""
    awaiting = occupancy().awaiting()
    return (awaiting["proposed"] | awaiting["agreed"]).filter(site=site).count()


# The peers left without a supporter grouped by reason, in UnmatchedReason's order (the ones a
# requirement excludes first), then by name.
UNMATCHED_ORDER = (
    Case(
        *(When(reason=reason, then=k) for k, reason in enumerate(UnmatchedReason.values)),
        output_field=IntegerField(),
    ),
    "peer__last_name",
    "peer__first_name",
    "id",
)


def _known_count_page(queryset, *, count: int, number):
    """A page of `queryset` whose length is known already (no COUNT query)."""
    paginator = Paginator(queryset, PAGE_SIZE)
    paginator.count = count  # the cached property, set: the paginator does not count again
    return paginator.get_page(number)


def _void_locks(run: MatchRun | None) -> list[dict]:
    """The run's locks left out of the proposal, with their people (one query, only when the
    run has some)."""
    if run is None or not run.void_locks:
        return []
    ids = {row[side] for row in run.void_locks for side in ("peer", "supporter")}
    people = Participant.objects.filter(site=run.site_id).in_bulk(ids)
    return [
        {**row, "peer": people.get(row["peer"]), "supporter": people.get(row["supporter"])}
        for row in run.void_locks
        if people.get(row["peer"]) and people.get(row["supporter"])
    ]


@require_POST
@requires(P.MANAGE_MATCHING)
@once_per_submission
def run_start(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    run = services.match_run_start(site=site, by=request.user)
    if run.status == RunStatus.FAILED:
        messages.error(request, _("The proposal failed."))
        return redirect("matching:run_detail", pk=run.pk)
    if run.is_finished:
        messages.success(
            request,
            ngettext(
                "Proposal ready: %(pairs)s pairs for %(peers)s peer waiting for a supporter.",
                "Proposal ready: %(pairs)s pairs for %(peers)s peers waiting for a supporter.",
                run.peers,
            )
            % {"pairs": run.pairs, "peers": run.peers},
        )
        return redirect(f"{reverse('matching:board')}?site={site.pk}")
    return redirect("matching:run_detail", pk=run.pk)


@requires(P.MANAGE_MATCHING)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_for_user(MatchRun.objects.all(), request.user, P.MANAGE_MATCHING, pk=pk)
    return render(request, "matching/run_detail.html", {"run": run})


# --- candidates and comparison -------------------------------------------------------------------


def _peer(request: HttpRequest, pk: int) -> Participant:
    peer = get_object_for_user(
        Participant.objects.filter(kind=Kind.PEER).select_related("background"),
        request.user,
        P.MANAGE_MATCHING,
        pk=pk,
    )
    return peer


@requires(P.MANAGE_MATCHING)
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """A peer's ranked candidates: score and points per criterion; excluded candidates last,
    with the constraint and the side that excludes them."""
    current_survey = MatchSurvey.objects.filter(participant=OuterRef("pk"), is_current=True)
    peer = get_object_for_user(
        Participant.objects.filter(kind=Kind.PEER).annotate(has_survey=Exists(current_survey)),
        request.user,
        P.MANAGE_MATCHING,
        pk=pk,
    )
    pool = load_pool(peer.site_id, peer_ids=[peer.pk])
    in_pool = bool(pool.peers)
    rows = []
    page = None
    if in_pool and pool.supporters:
        matrix = pool.scores()[0]
        # Best first, ties by supporter id (the pool's order): deterministic.
        order = np.lexsort((np.arange(len(matrix)), -matrix))
        page = Paginator(order.tolist(), PAGE_SIZE).get_page(request.GET.get("page"))
        locked = pool.locked.get(peer.pk)
        for j in page.object_list:
            supporter = pool.supporters[j]
            explanation = scoring.explain(
                pool.peer_answers[0], pool.supporter_answers[j], pool.weights
            )
            rule = pool.forbidden.get((peer.pk, supporter.pk))
            rows.append(
                {
                    "supporter": supporter,
                    "explanation": explanation,
                    "excluded": bool(explanation["exclusions"]) or rule is not None,
                    "rule": rule,
                    "locked": locked == supporter.pk,
                    "free": pool.supporter_answers[j].capacity,
                }
            )
    history = list(occupancy().pairs_of_peer(peer))
    open_pair = next((pair for pair in reversed(history) if pair.is_open), None)  # the newest
    return render(
        request,
        "matching/candidates.html",
        {
            "peer": peer,
            "in_pool": in_pool,
            "has_survey": peer.has_survey,
            "rows": rows,
            "page": page,
            "open_pair": open_pair,
            "history": history,
            "criteria": scoring.CRITERIA,
        },
    )


@requires(P.MANAGE_MATCHING)
def compare(request: HttpRequest, pk: int, supporter_pk: int) -> HttpResponse:
    """The two surveys side by side, shared answers and conflicts highlighted."""
    peer = _peer(request, pk)
    supporter = get_object_for_user(
        Participant.objects.filter(kind=Kind.SUPPORTER, site_id=peer.site_id).select_related(
            "background"
        ),
        request.user,
        P.MANAGE_MATCHING,
        pk=supporter_pk,
    )
    surveys = {
        s.participant_id: s
        for s in MatchSurvey.objects.filter(participant__in=[peer, supporter], is_current=True)
    }
    peer_survey, supporter_survey = surveys.get(peer.pk), surveys.get(supporter.pk)
    rows, explanation = [], None
    if peer_survey and supporter_survey:
        rows, explanation = compare_surveys(peer, peer_survey, supporter, supporter_survey)
    rule = MatchRule.objects.filter(peer=peer, supporter=supporter).first()
    return render(
        request,
        "matching/compare.html",
        {
            "peer": peer,
            "supporter": supporter,
            "peer_survey": peer_survey,
            "supporter_survey": supporter_survey,
            "rows": rows,
            "explanation": explanation,
            "rule": rule,
            "rule_form": RuleForm(),
        },
    )


@require_POST
@requires(P.MANAGE_MATCHING)
def rule_create(request: HttpRequest, pk: int, supporter_pk: int, kind: str) -> HttpResponse:
    if kind not in RuleKind.values:
        raise Http404
    peer = _peer(request, pk)
    supporter = get_object_for_user(
        Participant.objects.filter(kind=Kind.SUPPORTER, site_id=peer.site_id),
        request.user,
        P.MANAGE_MATCHING,
        pk=supporter_pk,
    )
    form = RuleForm(request.POST)
    if form.is_valid():
        services.rule_set(
            peer=peer,
            supporter=supporter,
            kind=kind,
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(
            request,
            _("Locked: the next proposal keeps this pair.")
            if kind == RuleKind.LOCK
            else _("Forbidden: the next proposal will not contain this pair."),
        )
    else:
        messages.error(request, _("The reason is too long."))
    return redirect("matching:candidates", pk=peer.pk)


@require_POST
@requires(P.MANAGE_MATCHING)
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_for_user(MatchRule.objects.all(), request.user, P.MANAGE_MATCHING, pk=pk)
    peer_id = rule.peer_id
    services.rule_delete(rule=rule, by=request.user)
    messages.success(request, _("The rule is removed."))
    return redirect("matching:candidates", pk=peer_id)


# --- surveys and weights -------------------------------------------------------------------------


@requires(P.MANAGE_MATCHING)
def survey_list(request: HttpRequest) -> HttpResponse:
    """The site's participants and whether their match survey is filled in."""
    site = _site(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else Kind.PEER
    current = MatchSurvey.objects.filter(participant=OuterRef("pk"), is_current=True)
    people = (
        Participant.objects.for_user(request.user)
        .filter(site=site, kind=kind)
        .annotate(has_survey=Exists(current))
        .order_by("has_survey", "last_name", "first_name", "pk")
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/survey_list.html",
        {
            "site": site,
            "kind": kind,
            "page": page,
            "kinds": Kind.choices,
            "extra": f"site={site.pk}&kind={kind}",
        },
    )


def _survey_page(request, participant, *, back_url):
    current = MatchSurvey.objects.filter(participant=participant, is_current=True).first()
    form_class = survey_form_class(participant.kind)
    initial = {"postcode": participant.postcode} if current is None else None
    # The survey's four background questions show the participant's Background (ADR 0013),
    # joined to the participant by the callers.
    background = background_of(participant)
    if request.method == "POST":
        form = form_class(request.POST, instance=current, background=background)
        if form.is_valid():
            try:
                services.survey_submit(
                    participant=participant, answers=form.answers(), by=request.user
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("The match survey is saved."))
                return redirect(back_url)
    else:
        form = form_class(instance=current, initial=initial, background=background)
    return render(
        request,
        "matching/survey_form.html",
        {"participant": participant, "form": form, "survey": current, "back_url": back_url},
        status=400 if request.method == "POST" else 200,
    )


@requires(P.MANAGE_MATCHING)
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager fills a peer's survey with the peer (or a supporter's, on their behalf)."""
    participant = get_object_for_user(
        Participant.objects.select_related("background"), request.user, P.MANAGE_MATCHING, pk=pk
    )
    back = (
        reverse("matching:candidates", args=[participant.pk])
        if participant.kind == Kind.PEER
        else f"{reverse('matching:surveys')}?site={participant.site_id}&kind=supporter"
    )
    return _survey_page(request, participant, back_url=back)


@requires(P.FILL_OWN_SURVEY)
def my_survey(request: HttpRequest) -> HttpResponse:
    """A supporter fills their own survey (at the training course)."""
    participant = (
        Participant.objects.filter(user=request.user, kind=Kind.SUPPORTER)
        .select_related("background")
        .first()
    )
    if participant is None:
        raise Http404
    return _survey_page(request, participant, back_url=reverse("matching:my_survey"))


@requires(P.MANAGE_MATCHING)
def weights(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    row = MatchWeights.objects.filter(site=site).first() or MatchWeights(site=site)
    if request.method == "POST":
        form = WeightsForm(request.POST, instance=row)
        if form.is_valid():
            services.weights_update(
                site=site,
                values={name: form.cleaned_data[name] for name in scoring.CRITERIA},
                by=request.user,
            )
            messages.success(request, _("The weights are saved; run a new proposal to use them."))
            return redirect(f"{reverse('matching:weights')}?site={site.pk}")
    else:
        form = WeightsForm(instance=row)
    return render(
        request,
        "matching/weights.html",
        {"site": site, "form": form, "maximum": row.as_weights().maximum()},
        status=400 if request.method == "POST" else 200,
    )
