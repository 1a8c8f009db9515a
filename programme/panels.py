"""Dashboard panels this app contributes (see tod.accounts.dashboards). Each runs a constant
number of queries whatever the data size."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from tod.accounts.dashboards import Panel, count_all
from tod.accounts.permissions import has_permission
from tod.accounts.roles import Permission

from .models import (
    Participant,
    Screening,
    ScreeningResult,
    Session,
    SessionInvitation,
    Status,
    SuggestedTopic,
)


def _manager_panels(request) -> list[Panel]:
    user = request.user
    participants = Participant.objects.for_user(user)
    counts = count_all(
        user,
        to_screen=participants.filter(status=Status.REFERRED),
        to_consent=participants.filter(status=Status.SCREENED),
        total=participants,
        needs_review=participants.not_withdrawn().filter(
            pk__in=Screening.objects.filter(result=ScreeningResult.NEEDS_REVIEW).values(
                "participant"
            )
        ),
        waiting_for_training=participants.waiting_for_training(),
        topics=SuggestedTopic.objects.for_user(user).open(),
    )
    sessions = list(
        Session.objects.for_user(user)
        .upcoming()
        .select_related("leader")
        .annotate(invited=Count("invitations"))[:3]
    )
    return [
        Panel(
            "programme/panel_recruitment.html",
            {"counts": counts},
            order=10,
        ),
        Panel(
            "programme/panel_sessions.html",
            {"sessions": sessions, "topics": counts["topics"], "manage": True},
            order=40,
        ),
    ]


def panels(request, dashboard: str) -> list[Panel]:
    user = request.user
    if dashboard == "manager" and has_permission(user, Permission.MANAGE_PARTICIPANTS):
        return _manager_panels(request)
    if dashboard == "supporter" and has_permission(user, Permission.VIEW_OWN_SUPERVISION):
        upcoming = list(
            SessionInvitation.objects.filter(
                participant__user=user,
                session__starts_at__gt=timezone.now(),
                session__cancelled_at__isnull=True,
            )
            .select_related("session")
            .order_by("session__starts_at")[:3]
        )
        return [Panel("programme/panel_my_sessions.html", {"upcoming": upcoming}, order=60)]
    if dashboard == "supervisor" and has_permission(user, Permission.LEAD_SUPERVISION):
        sessions = list(
            Session.objects.visible_to(user)
            .upcoming()
            .select_related("leader")
            .annotate(invited=Count("invitations"))[:5]
        )
        topics = SuggestedTopic.objects.visible_to(user).open().count()
        return [
            Panel(
                "programme/panel_sessions.html",
                {"sessions": sessions, "topics": topics, "manage": False},
                order=10,
            )
        ]
    return []
