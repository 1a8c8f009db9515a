"""Dashboard panels this app contributes (see tod.accounts.dashboards). Constant queries."""

from django.db.models import Exists, OuterRef

from programme.models import Participant
from tod.accounts.dashboards import Panel, count_all
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
    pool = Participant.objects.eligible_peers().for_user(user).filter(~Exists(holding))
    pairs = Pair.objects.for_user(user)
    counts = count_all(
        user,
        total=pool,
        without_survey=pool.filter(~Exists(survey)),
        proposed=pairs.filter(status=PairStatus.PROPOSED),
        agreed=pairs.filter(status=PairStatus.AGREED),
    )
    waiting = {"total": counts["total"], "without_survey": counts["without_survey"]}
    pairs = {"proposed": counts["proposed"], "agreed": counts["agreed"]}
    running = MatchRun.objects.for_user(user).filter(status__in=("queued", "running")).first()
    return Panel(
        "matching/panel_manager.html",
        {"waiting": waiting, "pairs": pairs, "running": running},
        order=30,
    )


def _supporter_panel(user) -> Panel:
    survey = MatchSurvey.objects.filter(participant__user=user, is_current=True).first()
    return Panel("matching/panel_supporter.html", {"survey": survey}, order=60)
