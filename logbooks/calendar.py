"""The supporter's iCalendar feed: their pairs' meetings and the supervision sessions and network
meetings they are invited to, so the meetings appear in the phone's calendar. Summaries say when and
where, nothing about health."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Meeting, MeetingStatus

FEED_PAST = dt.timedelta(days=90)
DEFAULT_DURATION = dt.timedelta(hours=1)


def build_calendar(user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ToD//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "ToD")
    since = timezone.now() - FEED_PAST
    meetings = (
        Meeting.objects.filter(
            pair__supporter__user=user,
            status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD],
            planned_at__gte=since,
        )
        .select_related("pair__peer")
        .order_by("planned_at")
    )
    stamp = timezone.now()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        for meeting in meetings:
            event = Event()
            event.add("uid", f"meeting-{meeting.pk}@tod")
            event.add("dtstamp", stamp)
            event.add("dtstart", meeting.planned_at)
            duration = (
                dt.timedelta(minutes=meeting.duration_minutes)
                if meeting.duration_minutes
                else DEFAULT_DURATION
            )
            event.add("dtend", meeting.planned_at + duration)
            event.add(
                "summary", _("Meeting with %(name)s") % {"name": meeting.pair.peer.first_name}
            )
            if meeting.place:
                event.add("location", meeting.place)
            calendar.add_component(event)
        for session in _sessions(user, since):
            event = Event()
            event.add("uid", f"session-{session.pk}@tod")
            event.add("dtstamp", stamp)
            event.add("dtstart", session.starts_at)
            event.add("dtend", session.ends_at)
            event.add("summary", str(session.get_kind_display()))
            if session.place:
                event.add("location", session.place)
            calendar.add_component(event)
    return calendar.to_ical()


def _sessions(user, since):
    """The supervision sessions and network meetings the supporter is invited to."""
    from programme.models import Session

    return (
        Session.objects.filter(
            invitations__participant__user=user,
            cancelled_at__isnull=True,
            starts_at__gte=since,
        )
        .distinct()
        .order_by("starts_at")
    )


def calendar_feed_response(user) -> HttpResponse:
    response = HttpResponse(build_calendar(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tod.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
