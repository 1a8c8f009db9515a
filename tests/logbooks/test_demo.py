"""The demo programme has active, paused and completed pairs with meetings, cancellations and
logbooks, and every page of this app opens on it."""

import io

from django.core.management import call_command
from django.urls import reverse

from logbooks.models import Logbook, Meeting, MeetingStatus, Pair, PairStatus
from tod.accounts.models import User


def test_the_demo_has_pairs_in_every_state_with_meetings_and_logbooks(db):
    call_command("seed_demo", stdout=io.StringIO())
    statuses = set(Pair.objects.filter(meeting_plan__isnull=False).values_list("status", flat=True))
    assert {PairStatus.ACTIVE, PairStatus.PAUSED, PairStatus.COMPLETED} <= statuses
    assert Meeting.objects.filter(status=MeetingStatus.HELD).exists()
    assert Meeting.objects.filter(status=MeetingStatus.CANCELLED, cancel_reason="supporter_health")
    assert Logbook.objects.filter(needs_support=True).exists()


def test_every_page_opens_on_the_demo(client, db):
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="manager"))
    pages = [
        reverse("logbooks:pair_list"),
        reverse("logbooks:logbook_list"),
        reverse("logbooks:logbook_list") + "?show=support",
        reverse("logbooks:information_sheet"),
        reverse("outbox:list"),
        reverse("outbox:preferences"),
        reverse("programme:dashboard"),
    ]
    for pair in Pair.objects.filter(meeting_plan__isnull=False):
        pages.append(reverse("logbooks:pair_detail", args=[pair.pk]))
        pages.append(reverse("logbooks:plan_edit", args=[pair.pk]))
    for logbook in Logbook.objects.all()[:5]:
        pages.append(reverse("logbooks:logbook_detail", args=[logbook.pk]))
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.logout()
    client.force_login(User.objects.get(username="supporter"))
    home = client.get(reverse("programme:supporter_home"))
    assert home.status_code == 200
    assert reverse("logbooks:calendar") in home.content.decode()
    for url in (reverse("logbooks:pair_list"), reverse("logbooks:calendar")):
        assert client.get(url).status_code == 200, url
    meeting = Meeting.objects.filter(
        pair__supporter__user__username="supporter", status=MeetingStatus.HELD, logbook__isnull=True
    ).first()
    assert meeting is not None  # the demo leaves one logbook to write
    assert client.get(reverse("logbooks:logbook_edit", args=[meeting.pk])).status_code == 200
