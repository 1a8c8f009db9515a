"""Dashboard panels this app contributes (see tod.accounts.dashboards). Constant queries."""

from django.db.models import Count, Exists, OuterRef, Q

from programme.models import Participant
from tod.accounts.dashboards import Panel
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission

from .models import MatchRun, MatchSurvey, Pair, PairStatus
from .pool import _HOLDING


def panels(request, dashboard: str) -> list[Panel]:
    user = request.user
    if dashboard == "manager" and has_permission(user, Permission.MANAGE_MATCHING):
        return [_manager_panel(user)]
    if dashboard == "supporter" and has_permission(user, Permission.FILL_OWN_SURVEY):
        return [_supporter_panel(user)]
    return []


def _manager_panel(user) -> Panel:
    holding = Pair.objects.filter(peer=OuterRef("pk"), status__in=_HOLDING)
    survey = MatchSurvey.objects.filter(participant=OuterRef("pk"), is_current=True)
    waiting = (
        Participant.objects.eligible_peers()
        .for_user(user)
        .filter(~Exists(holding))
        .aggregate(
            total=Count("pk", distinct=True),
            without_survey=Count("pk", filter=~Q(Exists(survey)), distinct=True),
        )
    )
    pairs = Pair.objects.for_user(user).aggregate(
        proposed=Count("pk", filter=Q(status=PairStatus.PROPOSED)),
        agreed=Count("pk", filter=Q(status=PairStatus.AGREED)),
    )
    running = MatchRun.objects.for_user(user).filter(status__in=("queued", "running")).first()
    return Panel(
        "matching/panel_manager.html",
        {"waiting": waiting, "pairs": pairs, "running": running},
        order=30,
    )


def _supporter_panel(user) -> Panel:
    survey = MatchSurvey.objects.filter(participant__user=user, is_current=True).first()
    return Panel("matching/panel_supporter.html", {"survey": survey}, order=60)
