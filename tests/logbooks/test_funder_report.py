"""The funder's report: the figures a manager reads on the page and in the CSV, for a small
programme whose figures are known by hand.

The world (round 2026 of Copenhagen, the clock at 2026-06-01):
- pair 1 (peer referred 2026-01-06, matched 2026-03-03: 8 weeks): 13 planned meetings, 9 held
  (8 of 60 minutes, one without a duration), 1 cancelled for the supporter's health, 3 still
  planned; 8 logbooks submitted and one draft.
- pair 2 (peer referred 2026-01-20, matched 2026-03-03: 6 weeks): 13 planned, 4 held of 90
  minutes, then ended early ("Flyttet"): the other 9 cancelled as the pair ended; 4 logbooks
  (one reviewed). Its peer withdrew on 2026-05-10.
- a two-day course (9 to 15 each day) with 3 supporters invited, 2 present both days.
- two supervision sessions (16 to 18): both supporters present at the first, one at the second
  and one absent; a cancelled session and one still to come do not count.
Volunteer hours: meetings 8 + 6 = 14, training 2 supporters x 2 days x 6 h = 24, supervision
3 x 2 h = 6; 44 in all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from logbooks.factories import LogbookFactory, MeetingFactory, PairFactory
from logbooks.models import (
    CancelledBy,
    CancelReason,
    Logbook,
    LogbookStatus,
    MeetingStatus,
    PairStatus,
)
from programme.factories import (
    CourseFactory,
    CourseInvitationFactory,
    ParticipantFactory,
    RoundFactory,
    SessionFactory,
    SessionInvitationFactory,
    TrainingAttendanceFactory,
    TrainingDayFactory,
    at,
)
from programme.models import Kind, Withdrawal, WithdrawalInitiator
from tests.html_text import table_rows
from tod.accounts.factories import UserFactory
from tod.accounts.models import Role

MATCH_DAY = dt.date(2026, 3, 3)
URL = reverse("logbooks:funder_report")


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(at(dt.date(2026, 6, 1), 12), tick=False):
        yield


def _meetings(pair, *, held: int, minutes: int | None, cancelled: int, reason: str, logbooks: int):
    """The 13 meetings of a pair's plan: `held` first, then `cancelled`, the rest planned."""
    for number in range(1, 14):
        planned_at = at(MATCH_DAY + dt.timedelta(weeks=2 * number), 10)
        if number <= held:
            meeting = MeetingFactory.create(
                pair=pair,
                sequence=number,
                planned_at=planned_at,
                status=MeetingStatus.HELD,
                held_on=planned_at.date(),
                duration_minutes=minutes if number < 9 else None,
            )
            status = LogbookStatus.SUBMITTED if number <= logbooks else LogbookStatus.DRAFT
            LogbookFactory.create(meeting=meeting, status=status)
        elif number <= held + cancelled:
            MeetingFactory.create(
                pair=pair,
                sequence=number,
                planned_at=planned_at,
                status=MeetingStatus.CANCELLED,
                cancelled_by=CancelledBy.SUPPORTER
                if reason == CancelReason.SUPPORTER_HEALTH
                else CancelledBy.PROGRAMME,
                cancel_reason=reason,
            )
        else:
            MeetingFactory.create(pair=pair, sequence=number, planned_at=planned_at)


def build_world(site, round_, manager) -> None:
    """The programme of the module docstring, in `site` and `round_`."""
    peer_1 = ParticipantFactory.create(
        site=site, round=round_, created_at=at(dt.date(2026, 1, 6), 9)
    )
    peer_2 = ParticipantFactory.create(
        site=site, round=round_, created_at=at(dt.date(2026, 1, 20), 9)
    )
    supporters = [
        ParticipantFactory.create(
            site=site,
            round=round_,
            kind=Kind.SUPPORTER,
            user=UserFactory.create(role=Role.SUPPORTER, sites=[site]),
        )
        for _ in range(3)
    ]
    matched = {"started_on": MATCH_DAY, "match_meeting_held_on": MATCH_DAY, "round": round_}
    pair_1 = PairFactory.create(
        site=site, peer=peer_1, supporter=supporters[0], status=PairStatus.ACTIVE, **matched
    )
    _meetings(
        pair_1, held=9, minutes=60, cancelled=1, reason=CancelReason.SUPPORTER_HEALTH, logbooks=8
    )
    pair_2 = PairFactory.create(
        site=site,
        peer=peer_2,
        supporter=supporters[1],
        status=PairStatus.ENDED,
        ended_on=dt.date(2026, 5, 10),
        end_reason="Flyttet",
        **matched,
    )
    _meetings(pair_2, held=4, minutes=90, cancelled=9, reason=CancelReason.PAIR_ENDED, logbooks=4)
    Logbook.objects.filter(meeting__pair=pair_2, meeting__sequence=1).update(
        status=LogbookStatus.REVIEWED
    )
    Withdrawal.objects.create(
        participant=peer_2,
        withdrawn_on=dt.date(2026, 5, 10),
        reason="Flyttet til Aalborg",
        initiated_by=WithdrawalInitiator.PARTICIPANT,
        data_choice="keep",
        recorded_by=manager,
    )

    course = CourseFactory.create(site=site, round=round_, created_by=manager)
    days = [
        TrainingDayFactory.create(course=course, number=n, starts_at=at(dt.date(2026, 2, n), 9))
        for n in (1, 2)
    ]
    for supporter in supporters:
        CourseInvitationFactory.create(course=course, participant=supporter, invited_by=manager)
    for supporter in supporters[:2]:
        for day in days:
            TrainingAttendanceFactory.create(day=day, participant=supporter, recorded_by=manager)
    TrainingAttendanceFactory.create(
        day=days[0], participant=supporters[2], attended=False, recorded_by=manager
    )

    def session(day, **fields):
        return SessionFactory.create(
            site=site, round=round_, starts_at=at(day, 16), created_by=manager, **fields
        )

    first, second = session(dt.date(2026, 4, 1)), session(dt.date(2026, 5, 6))
    for supporter in supporters[:2]:
        SessionInvitationFactory.create(session=first, participant=supporter, attended=True)
    SessionInvitationFactory.create(session=second, participant=supporters[0], attended=True)
    SessionInvitationFactory.create(session=second, participant=supporters[1], attended=False)
    for not_held in (
        session(dt.date(2026, 3, 4), cancelled_at=at(dt.date(2026, 3, 1), 9)),
        session(dt.date(2026, 7, 1)),
    ):
        SessionInvitationFactory.create(session=not_held, participant=supporters[0])


@pytest.fixture
def world(site, programme_round, manager, other_site):
    build_world(site, programme_round, manager)
    # Outside the report: a pair of another round of the site, and a pair of another site.
    earlier = RoundFactory.create(
        site=site, name="2025", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    old = PairFactory.create(site=site, round=earlier, status=PairStatus.COMPLETED)
    MeetingFactory.create(
        pair=old, status=MeetingStatus.HELD, held_on=dt.date(2025, 5, 1), duration_minutes=30
    )
    foreign = PairFactory.create(site=other_site, status=PairStatus.ACTIVE)
    MeetingFactory.create(
        pair=foreign, status=MeetingStatus.HELD, held_on=dt.date(2026, 5, 1), duration_minutes=30
    )
    return programme_round


def _open(client, user, language="en", **query):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(URL, query)


def _rows(response) -> list[list[str]]:
    return table_rows(response.content.decode())


def test_page_shows_the_figures_of_the_current_round(client, manager, world):
    response = _open(client, manager)

    assert response.status_code == 200
    rows = _rows(response)
    assert ["Pair 1", "Active", "03/03/2026", "13", "9", "0", "1", "0", "8", "8.0"] in rows
    assert ["Pair 2", "Ended early", "03/03/2026", "13", "4", "0", "9", "0", "4", "6.0"] in rows
    assert ["Total", "26", "13", "", "10", "0", "12", ""] in rows
    assert ["The supporter's health", "1"] in rows
    assert ["The pair ended", "9"] in rows
    assert ["Makkerkursus", "3", "2", "2", "2"] in rows
    assert ["Supervision", "2", "4", "3", "1", "0"] in rows
    assert ["10/05/2026", "Peer", "The participant", "Flyttet til Aalborg"] in rows
    assert ["Pair 2", "10/05/2026", "Flyttet"] in rows
    assert ["Held meetings", "14.0"] in rows
    assert ["Training days attended", "24.0"] in rows
    assert ["Supervision and network meetings attended", "6.0"] in rows
    assert ["Total hours", "44.0"] in rows
    text = " ".join(response.content.decode().split())
    assert "Median 7.0 weeks over 2 pairs (shortest 6.0, longest 8.0)." in text
    assert "1 held meeting has no recorded duration and is not counted." in text


def test_all_rounds_adds_the_earlier_round_but_never_another_site(client, manager, world):
    response = _open(client, manager, round="all")

    rows = _rows(response)
    assert ["Total", "27", "14", "", "10", "0", "12", ""] in rows
    assert ["Held meetings", "14.5"] in rows


def test_csv_gives_the_same_figures_with_danish_headers(client, manager, world, site):
    response = _open(client, manager, "da", site=site.pk, round=world.pk, format="csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Rapport til bevillingsgiver", "Copenhagen", "2026"]
    assert ["Par 1", "Aktiv", "2026-03-03", "13", "9", "0", "1", "0", "8", "8.0"] in rows
    assert ["I alt", "", "", "26", "13", "0", "10", "0", "12", "7.0"] in rows
    assert ["Makkerkursus", "3", "2", "2", "2"] in rows
    assert ["Supervision", "2", "4", "3", "1", "0"] in rows
    assert ["2026-05-10", "Peer", "Deltageren", "Flyttet til Aalborg"] in rows
    assert ["I alt", "44.0"] in rows


def test_csv_headers_follow_the_english_user(client, manager, world):
    response = _open(client, manager, "en", format="csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Report for the funder"
    assert ["Total", "44.0"] in rows


def test_another_sites_manager_cannot_open_this_site(client, other_manager, world, site):
    assert _open(client, other_manager, site=site.pk).status_code == 404
    assert _open(client, other_manager, round=world.pk).status_code == 404
    own = _open(client, other_manager)
    assert own.status_code == 200
    assert "Flyttet til Aalborg" not in own.content.decode()


@pytest.mark.parametrize("query", [{"site": "x"}, {"round": "x"}, {"round": "999999"}])
def test_bad_choice_is_not_found(client, manager, world, query):
    assert _open(client, manager, **query).status_code == 404


def test_other_roles_are_refused(client, supporter, nurse, supervisor, evaluator, world):
    for user in (supporter, nurse, supervisor, evaluator):
        assert _open(client, user).status_code == 403


def test_menu_shows_the_report_to_the_manager(client, manager, world):
    response = _open(client, manager)

    assert f'href="{URL}"' in response.content.decode()


def test_query_count_does_not_grow_with_the_data(client, manager, world, site):
    def count(**query) -> int:
        _open(client, manager, **query)  # the session and the user's sites are warm
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, query).status_code == 200
        return len(captured.captured_queries)

    small = (count(), count(format="csv"))
    build_world(site, world, manager)
    large = (count(), count(format="csv"))

    assert small == large
    rows = _rows(client.get(URL))
    assert ["Total hours", "88.0"] in rows


def test_csv_neutralises_a_reason_typed_as_a_formula(client, manager, world):
    Withdrawal.objects.update(reason='=HYPERLINK("http://example.com","x")')

    response = _open(client, manager, format="csv")

    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert '\'=HYPERLINK("http://example.com","x")' in cells
    assert not any(cell.startswith("=") for cell in cells)
