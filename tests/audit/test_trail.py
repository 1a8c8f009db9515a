"""Every change to personal or health data is recorded with who, when and what changed, however
it was made: save(), QuerySet.update(), bulk_create(), delete()."""

import datetime as dt
import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from programme.models import Kind, Participant
from tests.conftest import make_participant
from tod.audit.context import acting_as
from tod.audit.models import AuditEvent

TABLE = Participant._meta.db_table


def events_for(participant):
    return AuditEvent.objects.filter(table_name=TABLE, row_id=str(participant.pk))


def test_save_is_recorded_with_who_and_what_changed(site, manager):
    with acting_as(manager):
        peer = make_participant(site, Kind.PEER, last_name="Madsen")
        peer.last_name = "Mathiesen"
        peer.save()
    created, changed = events_for(peer)
    assert created.action == "I" and created.actor_id == manager.pk
    assert created.new["last_name"] == "Madsen"
    assert changed.action == "U" and changed.actor_id == manager.pk
    assert changed.changed_fields()["last_name"] == ("Madsen", "Mathiesen")


def test_writes_after_an_inner_block_are_still_the_outer_actors(site, manager, nurse):
    """A service acting for someone inside a request (erasure does) must not leave the rest of
    the request's writes recorded as the system's."""
    with acting_as(manager):
        first = make_participant(site, Kind.PEER, last_name="Before")
        with acting_as(nurse):
            inner = make_participant(site, Kind.PEER, last_name="Inner")
        after = make_participant(site, Kind.PEER, last_name="After")
    assert events_for(first).get().actor_id == manager.pk
    assert events_for(inner).get().actor_id == nurse.pk
    assert events_for(after).get().actor_id == manager.pk


def test_queryset_update_records_every_row(site, manager):
    peers = [make_participant(site, Kind.PEER) for _ in range(3)]
    with acting_as(manager):
        updated = Participant.objects.filter(pk__in=[p.pk for p in peers]).update(postcode="2400")
    assert updated == 3
    for peer in peers:
        change = events_for(peer).filter(action="U").get()
        assert change.actor_id == manager.pk
        assert change.changed_fields()["postcode"] == ("2200", "2400")


def test_bulk_create_and_delete_are_recorded(site):
    Participant.objects.bulk_create(
        Participant(
            site=site,
            kind=Kind.PEER,
            first_name="Bulk",
            last_name=f"Person{n}",
            date_of_birth=dt.date(1960, 1, 1),
            sex="male",
            referral_channel="home_care",
        )
        for n in range(2)
    )
    created = AuditEvent.objects.filter(table_name=TABLE, action="I")
    assert created.count() == 2
    assert created.first().actor_id is None  # no user: the system
    Participant.objects.filter(first_name="Bulk").delete()
    deleted = AuditEvent.objects.filter(table_name=TABLE, action="D")
    assert sorted(event.old["last_name"] for event in deleted) == ["Person0", "Person1"]


def test_an_unchanged_save_records_nothing(site):
    peer = make_participant(site)
    before = AuditEvent.objects.count()
    peer.save()
    assert AuditEvent.objects.count() == before


def test_a_change_made_through_a_page_is_recorded_as_the_logged_in_user(
    client, manager, site, programme_round
):
    peer = make_participant(site, Kind.PEER, last_name="Olsen", round=programme_round)
    client.force_login(manager)
    url = reverse("programme:participant_edit", args=[peer.pk])
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    data["last_name"] = "Olsen-Berg"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    change = events_for(peer).filter(action="U").get()
    assert change.actor_id == manager.pk
    assert change.changed_fields()["last_name"] == ("Olsen", "Olsen-Berg")


def current_actor():
    """Who the database session thinks is acting, as the audit triggers read it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_setting('tod.actor_id', true)")
        else:
            cursor.execute("SELECT actor_id FROM audit_actor WHERE id = 1")
        value = cursor.fetchone()[0]
    return value or None


def test_the_acting_user_does_not_outlive_the_request(client, manager, site, programme_round):
    """Connections are reused across requests: after a page that wrote as the manager, the
    next writes on the same connection (a Celery task, a command) must not be recorded as his."""
    peer = make_participant(site, Kind.PEER, last_name="Lund", round=programme_round)
    client.force_login(manager)
    url = reverse("programme:participant_edit", args=[peer.pk])
    form = client.get(url).context["form"]
    data = {n: form[n].value() for n in form.fields if form[n].value() not in (None, False)}
    data["last_name"] = "Lund-Hansen"
    assert client.post(url, data).status_code == 302
    assert events_for(peer).filter(action="U").get().actor_id == manager.pk
    assert current_actor() is None
    Participant.objects.filter(pk=peer.pk).update(postcode="2450")  # the system, afterwards
    assert events_for(peer).filter(action="U").latest("id").actor_id is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="enforced by PostgreSQL triggers")
def test_the_trail_is_append_only(site):
    make_participant(site)
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_id=999)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_trail_cannot_be_rewritten_on_sqlite_either(site):
    make_participant(site)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(actor_id=999)


def test_manager_reviews_who_changed_and_who_read_a_participant(client, manager, site):
    from tod.audit.models import AccessEvent

    with acting_as(manager):
        peer = make_participant(site, Kind.PEER, last_name="Holm")
        Participant.objects.filter(pk=peer.pk).update(postcode="2450")
    AccessEvent.objects.create(actor=manager, participant=peer, what="nurse visit")
    client.force_login(manager)
    page = client.get(reverse("audit:participant_log", args=[peer.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "2200 → 2450" in text
    assert "sygeplejerskebesøg" in text  # what was read, in the reader's language


def test_audit_log_is_for_the_manager_of_the_participants_site_only(
    client, site, other_manager, supporter, nurse
):
    peer = make_participant(site)
    url = reverse("audit:participant_log", args=[peer.pk])
    client.force_login(other_manager)
    assert client.get(url).status_code == 404
    for user in (supporter, nurse):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_audit_log_runs_a_constant_number_of_queries(
    client, manager, site, django_assert_max_num_queries
):
    from tod.audit.models import AccessEvent

    peer = make_participant(site)
    client.force_login(manager)
    url = reverse("audit:participant_log", args=[peer.pk])
    for n in (1, 40):
        with acting_as(manager):
            for i in range(n):
                Participant.objects.filter(pk=peer.pk).update(postcode=f"{2000 + i}")
                AccessEvent.objects.create(actor=manager, participant=peer, what="logbook")
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a limit of SQLite's json_object")
def test_rows_wider_than_sqlites_argument_limit_are_recorded_whole(db):
    from tod.audit.triggers import _sqlite_json

    class Meta:
        concrete_fields = [type("F", (), {"column": f"c{n}"}) for n in range(120)]

    wide = type("Wide", (), {"_meta": Meta})
    expression = _sqlite_json("NEW", wide)
    assert expression.count("json_object(") == 3
    columns = ", ".join(f"{n} AS c{n}" for n in range(120))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression.replace('NEW.', 'w.')} FROM (SELECT {columns}) w")
        row = json.loads(cursor.fetchone()[0])
    assert row["c0"] == 0 and row["c119"] == 119


def test_reading_health_records_is_logged_without_the_values(client, nurse, evaluator, site):
    from evaluation.models import NurseVisit
    from tod.audit.models import AccessEvent

    peer = make_participant(site, Kind.PEER)
    visit = NurseVisit.objects.create(
        site=site, peer=peer, kind="pre", visited_on=dt.date(2026, 3, 1)
    )
    client.force_login(nurse)
    response = client.get(reverse("evaluation:nurse_visit_detail", args=[visit.pk]))
    assert response.status_code == 200
    event = AccessEvent.objects.get(participant=peer, actor=nurse)
    assert event.what == "nurse visit (pre)"


def test_the_log_names_records_fields_and_values_as_the_forms_do_in_the_readers_language(
    client, manager, site
):
    """Not `programme_participant #7`, `postcode: 2200 → 2450`, `status: referred → screened`."""
    from django.utils import timezone

    from programme.models import Background
    from tod.audit.models import AccessEvent

    with acting_as(manager):
        peer = make_participant(
            site, Kind.PEER, last_name="Holm", date_of_birth=dt.date(1957, 6, 5)
        )
        Participant.objects.filter(pk=peer.pk).update(postcode="2450", status="screened")
        background = Background.objects.create(participant=peer, lives_alone=False)
        background.lives_alone = True
        background.save()
    AccessEvent.objects.create(actor=manager, participant=peer, what="nurse visit (pre)")
    AccessEvent.objects.create(
        actor=manager, participant=peer, what="participant list (CSV) (full export)"
    )
    client.force_login(manager)
    url = reverse("audit:participant_log", args=[peer.pk])

    client.cookies["django_language"] = "da"
    page = client.get(url).content.decode()
    assert f"Deltager #{peer.pk}" in page
    assert "Postnummer</span>: 2200 → 2450" in page
    assert "Status</span>: Henvist → Screenet" in page
    assert "Bor alene</span>: nej → ja" in page
    assert "Fødselsdato</span>: – → 05.06.1957" in page
    created = timezone.localtime(peer.created_at).strftime("%d.%m.%Y %H:%M")
    assert f"Oprettet</span>: – → {created}" in page
    assert "Handling" in page  # the column: what the change did, not a follow-up action
    assert f"Baggrund #{background.pk}" in page
    assert "sygeplejerskebesøg (førbesøg)" in page
    assert "deltagerliste (CSV) (fuldt udtræk)" in page
    for column in ("programme_participant", "postcode", "date_of_birth", "lives_alone"):
        assert column not in page

    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert f"Participant #{peer.pk}" in page
    assert "Date of birth</span>: – → 05/06/1957" in page
    assert "Lives alone</span>: no → yes" in page
