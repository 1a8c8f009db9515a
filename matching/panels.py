"""Dashboard panels this app contributes (see tod.accounts.dashboards). Constant queries."""

from tod.accounts.dashboards import Panel, count_all
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission

from .models import MatchRun, MatchSurvey
from .occupancy import occupancy
from .pool import waiting_peers, without_survey


def panels(request, dashboard: str) -> list[Panel]:
    user = request.user
    if dashboard == "manager" and has_permission(user, Permission.MANAGE_MATCHING):
        return [_manager_panel(user)]
    if dashboard == "supporter" and has_permission(user, Permission.FILL_OWN_SURVEY):
        return [_supporter_panel(user)]
    return []


def _manager_panel(user) -> Panel:
    # The same peers as a run's proposal page accounts for (pool.waiting_peers).
    pool = waiting_peers().for_user(user)
    awaiting = occupancy().awaiting()
    counts = count_all(
        user,
        total=pool,
        without_survey=without_survey(pool),
        proposed=awaiting["proposed"].for_user(user),
        agreed=awaiting["agreed"].for_user(user),
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
