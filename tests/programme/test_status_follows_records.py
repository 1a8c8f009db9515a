"""A participant's status follows their records, stage by stage: a peer and a supporter are
driven from referral to withdrawal, and at every stage the participant list shows the status,
its status filter finds them under it (and under no other), and the recruitment funnel counts
them up to that stage."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from evaluation.reports import recruitment_funnel
from logbooks import services as logbooks
from logbooks.models import Pair, PairStatus
from programme import services
from programme.models import Answer, Kind, Participant, Status
from programme.queries import FUNNEL_STAGES
from programme.status import participant_status_derived, participant_statuses_refresh
from tests.conftest import make_participant

from .conftest import NOW, consent, make_course, screen, train

# The funnel's columns each status reaches (everyone who ever reached a stage counts there).
REACHED = {
    Status.REFERRED: ["referred"],
    Status.SCREENED: ["referred", "screened", "eligible"],
    Status.NOT_ELIGIBLE: ["referred", "screened"],
    Status.CONSENTED: ["referred", "screened", "eligible", "consented"],
    Status.TRAINED: ["referred", "screened", "eligible", "consented", "trained"],
}


def reached(status: str, kind: str) -> list[str]:
    before = REACHED[Status.TRAINED if kind == Kind.SUPPORTER else Status.CONSENTED]
    if status == Status.ACTIVE:
        return [*before, "matched"]
    if status == Status.COMPLETED:
        return [*before, "matched", "completed"]
    if status == Status.WITHDRAWN:
        return [*before, "matched", "completed", "withdrawn"]
    return REACHED[status]


def list_status(client, person) -> str:
    """The status cell of the person's row on the participant list, as the manager reads it."""
    page = client.get(reverse("programme:participant_list")).content.decode()
    row = re.search(rf'<tr><td><a href="[^"]*/{person.pk}/">.*?</tr>', page)
    assert row, f"{person} is not on the list"
    return re.findall(r"<td>(.*?)</td>", row.group(0))[2]


def filtered(client, status: str) -> set[int]:
    response = client.get(reverse("programme:participant_list"), {"status": status})
    return {row.pk for row in response.context["page"].object_list}


def check_stage(client, manager, person, status: str, funnel: list[str] | None = None) -> None:
    person.refresh_from_db()
    assert person.status == status
    assert participant_status_derived(person) == status
    assert list_status(client, person) == str(Status(status).label)
    for value in Status.values:
        assert (person.pk in filtered(client, value)) == (value == status), (status, value)
    rows = client.get(reverse("programme:funnel"), {"kind": person.kind}).context["rows"]
    total = rows[-1]
    counted = [name for name, _label in FUNNEL_STAGES if total[name]]
    assert counted == (funnel or reached(status, person.kind)), status
    steps = {row["step"]: row[f"{person.kind}s"] for row in recruitment_funnel(manager)}
    assert steps["completed"] == (status == Status.COMPLETED)


def hold_every_meeting(pair, manager) -> None:
    for meeting in pair.meetings.order_by("planned_at"):
        day = timezone.localtime(meeting.planned_at).date()
        logbooks.meeting_record_held(meeting=meeting, by=manager, held_on=day, duration_minutes=60)


@pytest.mark.parametrize("kind", [Kind.PEER, Kind.SUPPORTER])
def test_status_follows_every_stage(client, manager, site, programme_round, kind):
    client.force_login(manager)
    person = make_participant(site, kind, first_name="Stine", round=programme_round)
    other_kind = Kind.SUPPORTER if kind == Kind.PEER else Kind.PEER
    other = make_participant(site, other_kind, first_name="Other", round=programme_round)
    check_stage(client, manager, person, Status.REFERRED)

    screen(person, manager, answer=Answer.UNKNOWN)  # needs review: screened, not yet eligible
    check_stage(client, manager, person, Status.SCREENED, funnel=["referred", "screened"])
    screen(person, manager)
    check_stage(client, manager, person, Status.SCREENED)
    consent(person, manager)
    check_stage(client, manager, person, Status.CONSENTED)

    supporter, peer = (person, other) if kind == Kind.SUPPORTER else (other, person)
    consent(other, manager)
    course = make_course(site, programme_round, manager)
    train(supporter, course, manager, days=(1,))
    check_stage(client, manager, person, Status.CONSENTED)  # one day is not trained
    train(supporter, make_course(site, programme_round, manager, name="Make-up"), manager)
    if kind == Kind.SUPPORTER:
        check_stage(client, manager, person, Status.TRAINED)

    pair = Pair.objects.create(
        site=site, round=programme_round, peer=peer, supporter=supporter, status=PairStatus.AGREED
    )
    logbooks.pair_start(pair=pair, match_meeting_on=NOW.date(), by=manager)
    check_stage(client, manager, person, Status.ACTIVE)
    logbooks.pair_pause(pair=pair, by=manager)
    check_stage(client, manager, person, Status.ACTIVE)  # paused is still in the programme
    logbooks.pair_resume(pair=pair, by=manager)

    with time_machine.travel(NOW + dt.timedelta(weeks=30), tick=False):
        hold_every_meeting(pair, manager)
        assert logbooks.pairs_complete_due() == 1
        client.force_login(manager)
        check_stage(client, manager, person, Status.COMPLETED)

        services.participant_withdraw(
            participant=person,
            withdrawn_on=timezone.localdate(),
            reason="Moved away",
            initiated_by="participant",
            data_choice="keep",
            by=manager,
        )
        check_stage(client, manager, person, Status.WITHDRAWN)


def test_an_ended_pair_returns_its_people_to_their_earlier_stage(manager, site, programme_round):
    peer = make_participant(site, Kind.PEER, round=programme_round)
    supporter = make_participant(site, Kind.SUPPORTER, round=programme_round)
    for person in (peer, supporter):
        consent(person, manager)
    train(supporter, make_course(site, programme_round, manager), manager)
    pair = Pair.objects.create(
        site=site, round=programme_round, peer=peer, supporter=supporter, status=PairStatus.AGREED
    )
    logbooks.pair_start(pair=pair, match_meeting_on=NOW.date(), by=manager)
    logbooks.pair_end(pair=pair, by=manager, reason="The supporter fell ill")
    peer.refresh_from_db()
    supporter.refresh_from_db()
    assert (peer.status, supporter.status) == (Status.CONSENTED, Status.TRAINED)


def test_a_not_eligible_screening_and_a_changed_role_show(client, manager, site, programme_round):
    client.force_login(manager)
    person = make_participant(site, Kind.SUPPORTER, round=programme_round)
    screen(person, manager, answer=Answer.NO)
    check_stage(client, manager, person, Status.NOT_ELIGIBLE)
    consent(person, manager)  # screened again, eligible this time
    train(person, make_course(site, programme_round, manager), manager)
    check_stage(client, manager, person, Status.TRAINED)
    Participant.objects.filter(pk=person.pk).update(kind=Kind.PEER)  # as the edit page saves it
    participant_statuses_refresh(participants=[person])
    check_stage(client, manager, person, Status.CONSENTED)  # a peer is not "trained"


def test_a_role_changed_on_the_edit_page_shows_at_once(client, manager, site, programme_round):
    """The manager corrects a trained supporter to a peer on the participant's page: the list
    and the funnel show the peer's stage straight away, not the supporter's 'trained'."""
    from tests.security.round_trip import browser, page_form

    client.force_login(manager)
    person = make_participant(site, Kind.SUPPORTER, round=programme_round)
    consent(person, manager)
    train(person, make_course(site, programme_round, manager), manager)
    check_stage(client, manager, person, Status.TRAINED)

    url = reverse("programme:participant_edit", args=[person.pk])
    form = page_form(browser(manager).get(url), url)
    form["kind"] = Kind.PEER
    assert form.submit().status_code == 302

    check_stage(client, manager, person, Status.CONSENTED)
