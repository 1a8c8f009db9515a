"""Erasure, checked the way an auditor would: seed a world, write a peer's identifiers in the
spellings people use into free texts across the apps (logbook, nurse note, supervision topic,
interview, audit trail, session), withdraw the peer with "erase", dump the whole database with
pg_dump and search it. None of the peer's identifiers in any spelling may remain, and a person
of the same name in another site keeps everything of theirs. PostgreSQL only (pg_dump)."""

import datetime as dt
import io
import os
import subprocess
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection

from tests.conftest import make_participant

# The peer's identifiers as people write them; the dump must hold none of them (any case).
SPELLINGS = [
    "Bent Madsen",
    "Madsen, Bent",
    "Hr. Madsen",
    "Fru Madsen",
    "B. Madsen",
    "Bent Madsens",
    "22334455",
    "2233 4455",
    "22-33-44-55",
    "+45 22 33 44 55",
    "bent.kildevaeld@example.org",
    "Kildevældsgade 17",
    "55.71234",
    "12.56789",
    '"2977"',
    "\t2977\t",
    "1957-03-14",
]
# The same-name person in Aarhus: every line of the dump that names "Bent Madsen" must be theirs.
AARHUS_MARKER = "AARHUS-OWN-NOTE"
RESCUED = "Hr. Madsen var glad i dag, ring 2233 4455"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"
)


def dump() -> str:
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-h", db["HOST"] or "127.0.0.1"]
    if db["PORT"]:
        command += ["-p", str(db["PORT"])]
    if db["USER"]:
        command += ["-U", db["USER"]]
    env = dict(os.environ, PGPASSWORD=db["PASSWORD"] or "")
    result = subprocess.run(
        [*command, db["NAME"]], capture_output=True, text=True, check=True, env=env, timeout=120
    )
    return result.stdout


def lines_with(text: str, spelling: str) -> list[str]:
    return [line for line in text.splitlines() if spelling.lower() in line.lower()]


def ids_past_any_postcode() -> None:
    """Start every id sequence at 100,000 or above: the dump is searched for the postcode as a
    column of its own ("\t2977\t"), which a row whose id happened to be 2977 (ids climb over
    a whole test session) would match too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'S'")
        for (sequence,) in cursor.fetchall():
            cursor.execute(f'SELECT last_value FROM "{sequence}"')
            if cursor.fetchone()[0] < 100_000:
                cursor.execute("SELECT setval(%s, 100000)", [f'"{sequence}"'])


def plant_world():
    """The demo, and the peer's identifiers written across the apps."""
    from evaluation.models import Interview, NurseVisit
    from logbooks.models import Logbook
    from matching.models import MatchSurvey
    from programme.models import Participant
    from programme.services import supervision_topic_suggest
    from tod.accounts.models import Site

    ids_past_any_postcode()
    call_command("seed_demo", stdout=io.StringIO())
    logbook = (
        Logbook.objects.filter(
            meeting__pair__site__slug="copenhagen",
            meeting__pair__peer__nurse_visits__isnull=False,
            meeting__pair__peer__match_surveys__isnull=False,
        )
        .select_related("meeting__pair__peer", "meeting__pair__supporter__user")
        .order_by("pk")
        .first()
    )
    pair = logbook.meeting.pair
    peer = pair.peer
    Participant.objects.filter(pk=peer.pk).update(
        first_name="Bent",
        last_name="Madsen",
        phone="+4522334455",
        email="bent.kildevaeld@example.org",
        address="Kildevældsgade 17, 3. th",
        postcode="2977",
        date_of_birth=dt.date(1957, 3, 14),
        referral_note="Bent ringer selv på 22-33-44-55",
    )
    peer.refresh_from_db()
    survey = MatchSurvey.objects.filter(participant=peer).order_by("pk").last()
    survey.postcode, survey.latitude, survey.longitude = "2977", "55.71234", "12.56789"
    survey.notes = "Bor på Kildevældsgade 17 (2977)"
    survey.save()
    # the supporter's logbook, as supporters write
    Logbook.objects.filter(pk=logbook.pk).update(
        reflections="B. Madsen fortalte om sin datter. Bent Madsens telefon: 2233 4455",
        challenges="Fru Madsen ringede fra +45 22 33 44 55",
    )
    # the nurse's note
    visit = NurseVisit.objects.filter(peer=peer).first()
    NurseVisit.objects.filter(pk=visit.pk).update(
        self_care_note="Hr. Madsen måler selv; kontakt 22334455"
    )
    # a topic raised from the logbook, and a note in another participant's record
    supervision_topic_suggest(
        site=pair.site,
        text="Hvordan hjælper jeg B. Madsen (22-33-44-55) videre?",
        by=pair.supporter.user,
        source="support_request",
        meeting_number=logbook.meeting.sequence,
    )
    neighbour = Participant.objects.filter(site=pair.site).exclude(pk=peer.pk).order_by("pk")[0]
    # written, then changed: the old text lives on in the audit trail only
    Participant.objects.filter(pk=neighbour.pk).update(
        referral_note="Henvist af nabo Bent Madsen, bent.kildevaeld@example.org"
    )
    Participant.objects.filter(pk=neighbour.pk).update(referral_note="Henvist af en nabo")
    # interviews: the peer's own, and the supporter's mentioning the peer
    Interview.objects.create(
        site=pair.site,
        pair=pair,
        informant_type="peer",
        informant=peer,
        conducted_on=dt.date(2026, 6, 1),
        mode="in_person",
        transcript="Jeg hedder Bent Madsen og bor på Kildevældsgade 17.",
        interviewer=pair.formed_by,
    )
    Interview.objects.create(
        site=pair.site,
        pair=pair,
        informant_type="supporter",
        informant=pair.supporter,
        conducted_on=dt.date(2026, 6, 2),
        mode="in_person",
        transcript="Madsen, Bent var min første makker; Hr. Madsen er en god mand.",
        interviewer=pair.formed_by,
    )
    # a logbook rescued into a session after the supporter's session ended
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["kept_input"] = {
        f"logbook:{logbook.meeting_id}": {"user": None, "data": {"reflections": [RESCUED]}}
    }
    store.create()
    # the same name in another site, with a note of their own
    aarhus = Site.objects.get(slug="aarhus")
    namesake = make_participant(
        aarhus,
        first_name="Bent",
        last_name="Madsen",
        phone="+4587654321",
        email="namesake@example.org",
        postcode="8000",
        referral_note=f"{AARHUS_MARKER}: Bent Madsen, Hr. Madsen, B. Madsen",
    )
    return peer, namesake, store.session_key


@pytest.mark.django_db(transaction=True)
def test_after_erasure_the_dump_holds_nothing_of_the_peer_and_the_namesake_keeps_theirs():
    from programme.services import participant_withdraw
    from tod.accounts.models import User

    peer, namesake, rescue_session = plant_world()
    before = dump()
    for spelling in SPELLINGS:
        assert lines_with(before, spelling), f"not planted: {spelling!r}"

    participant_withdraw(
        participant=peer,
        withdrawn_on=dt.date(2026, 11, 1),
        reason="Flytter",
        initiated_by="participant",
        data_choice="erase",
        by=User.objects.get(username="manager"),
    )

    after = dump()
    for spelling in SPELLINGS:
        left = [line for line in lines_with(after, spelling) if AARHUS_MARKER not in line]
        assert not left, (spelling, left[:3])
    assert not Session.objects.filter(session_key=rescue_session).exists()
    assert RESCUED not in after
    # the namesake in Aarhus is untouched, in their record and in the dump
    namesake.refresh_from_db()
    assert (namesake.first_name, namesake.last_name) == ("Bent", "Madsen")
    assert namesake.referral_note == f"{AARHUS_MARKER}: Bent Madsen, Hr. Madsen, B. Madsen"
    assert "[erased]" not in "".join(lines_with(after, AARHUS_MARKER))
