"""Each site's own settings: two municipalities on one installation, each its own data
controller. What one site's manager saves comes back on their page and reaches what the site's
participants see and receive; nothing of it reaches the other site."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from programme.models import (
    Consent,
    ConsentPurpose,
    ConsentText,
    Kind,
    Participant,
    SiteSettings,
    Status,
)
from programme.services import site_settings_for
from tests.conftest import make_participant, make_user, screen_eligible
from tests.outbox.providers import ProviderServer, gatewayapi, twilio
from tod.accounts.factories import SiteFactory
from tod.accounts.models import Role, Site
from tod.audit.models import AuditEvent
from tod.outbox.models import Reminder, ReminderStatus
from tod.outbox.services import outbox_plan, outbox_sweep
from tod.privacy.erasure import erase_past_retention
from tod.privacy.models import ErasureRecord

TOKEN = "gw-token-of-the-site-settings-test"


def settings_url(site: Site) -> str:
    return reverse("programme:site_settings", args=[site.slug])


def texts_url(site: Site) -> str:
    return reverse("programme:consent_text_list", args=[site.slug])


def form_data(**changes) -> dict:
    return {
        "contact_name": "Sammen om Diabetes, Københavns Kommune",
        "contact_phone": "33 66 33 66",
        "contact_email": "sod@kk.dk",
        "contact_address": "Sundhedshuset\nVesterbrogade 1\n1620 København V",
        "interest_intro": "Vil du være med? Skriv dig op, så ringer vi til dig.",
        "quiet_from": "20:30",
        "quiet_to": "09:00",
        "sms_sender": "KbhKommune",
        "retention_days": "730",
        **changes,
    }


def snapshot(site: Site) -> dict:
    """Everything a site's settings page stores, as stored."""
    site.refresh_from_db()
    row = SiteSettings.objects.filter(site=site).values().get()
    row.pop("updated_at")
    texts = list(
        ConsentText.objects.of_site(site)
        .order_by("purpose", "version")
        .values_list("purpose", "version", "title", "body")
    )
    return {"settings": row, "retention_days": site.retention_days, "texts": texts}


def test_a_new_site_starts_from_the_installations_defaults(db, settings):
    settings.OUTBOX_QUIET_HOURS = (22, 7)
    settings.OUTBOX_SMS_SENDER = "Paamindelse"
    site = SiteFactory.create(name="Odense", slug="odense")
    row = SiteSettings.objects.get(site=site)
    assert (row.quiet_from, row.quiet_to, row.sms_sender) == (
        dt.time(22),
        dt.time(7),
        "Paamindelse",
    )
    assert [
        (t.purpose, t.version) for t in ConsentText.objects.of_site(site).order_by("purpose")
    ] == [
        (ConsentPurpose.INTERVIEW, 1),
        (ConsentPurpose.OBSERVATION, 1),
        (ConsentPurpose.PROGRAMME, 1),
        (ConsentPurpose.ROUTINE_DATA, 1),
    ]


def test_save_reload_change_and_submit_again(client, manager, site):
    client.force_login(manager)
    response = client.post(settings_url(site), form_data())
    assert response.status_code == 302 and response.url == settings_url(site)

    page = client.get(settings_url(site)).content.decode()
    for shown in ("KbhKommune", "33 66 33 66", "sod@kk.dk", "20:30", "09:00", 'value="730"'):
        assert shown in page
    assert "Vil du være med?" in page

    client.post(settings_url(site), form_data(sms_sender="+4570707070", retention_days="1000"))
    client.post(settings_url(site), form_data(sms_sender="+4570707070", retention_days="1000"))
    stored = SiteSettings.objects.get(site=site)
    site.refresh_from_db()
    assert SiteSettings.objects.filter(site=site).count() == 1
    assert stored.sms_sender == "+4570707070" and site.retention_days == 1000
    assert (stored.quiet_from, stored.quiet_to) == (dt.time(20, 30), dt.time(9))
    assert stored.contact_address == "Sundhedshuset\nVesterbrogade 1\n1620 København V"


def test_every_change_is_in_the_audit_trail_with_who_made_it(client, manager, site):
    client.force_login(manager)
    client.post(settings_url(site), form_data())
    client.post(
        texts_url(site),
        {"purpose": "programme", "title": "v2", "body": "Ny tekst", "valid_from": "2026-06-01"},
    )
    changed = AuditEvent.objects.filter(actor_id=manager.pk)
    settings_event = changed.get(table_name="programme_sitesettings", action="U")
    assert settings_event.new["sms_sender"] == "KbhKommune"
    site_event = changed.get(table_name="accounts_site", action="U")
    assert (site_event.old["retention_days"], site_event.new["retention_days"]) == (5 * 365, 730)
    assert changed.filter(table_name="programme_consenttext", action="I").count() == 1


@pytest.mark.parametrize(
    ("sender", "accepted"),
    [
        ("Paamindelse", True),
        ("Kommune 1", True),
        ("+4570707070", True),
        ("70707070", True),
        ("", True),
        ("Påmindelse", False),  # no æ, ø or å in a sender name
        ("Paamindelser", False),  # 12 characters
        ("Kbh-Kommune", False),
        ("+45 70 70 70 70 70 70 70", False),
        ("1234567890123456", False),
    ],
)
def test_the_sms_sender_follows_the_gateways_rules(client, manager, site, sender, accepted):
    client.force_login(manager)
    response = client.post(settings_url(site), form_data(sms_sender=sender))
    if accepted:
        assert response.status_code == 302
        assert SiteSettings.objects.get(site=site).sms_sender == sender
    else:
        assert response.status_code == 200
        assert "sms_sender" in response.context["form"].errors
        assert SiteSettings.objects.get(site=site).sms_sender != sender


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"retention_days": "100"}, "retention_days"),  # under a year
        ({"retention_days": "5000"}, "retention_days"),  # over ten years
        ({"retention_days": "a year"}, "retention_days"),
        ({"quiet_from": "25:00"}, "quiet_from"),
        ({"quiet_from": "08:00", "quiet_to": "08:00"}, "quiet_to"),
        ({"contact_email": "not an address"}, "contact_email"),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(client, manager, site, changes, field):
    client.force_login(manager)
    before = snapshot(site)
    response = client.post(settings_url(site), form_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot(site) == before


def test_editing_one_site_leaves_the_other_unchanged(client, manager, site, other_site):
    other_before = snapshot(other_site)
    client.force_login(manager)
    client.post(settings_url(site), form_data())
    client.post(
        texts_url(site),
        {"purpose": "programme", "title": "v2", "body": "Ny tekst", "valid_from": "2026-06-01"},
    )
    assert ConsentText.objects.current(ConsentPurpose.PROGRAMME, site=site).version == 2
    assert ConsentText.objects.current(ConsentPurpose.PROGRAMME, site=other_site).version == 1
    assert snapshot(other_site) == other_before
    assert snapshot(site) != other_before


def test_another_sites_manager_gets_404_and_other_roles_403(
    client, site, other_site, other_manager, supporter, nurse
):
    before = snapshot(site)
    client.force_login(other_manager)
    assert client.get(settings_url(site)).status_code == 404
    assert client.post(settings_url(site), form_data()).status_code == 404
    assert client.get(texts_url(site)).status_code == 404
    assert client.post(texts_url(site), {"purpose": "programme"}).status_code == 404
    assert client.get(reverse("programme:site_settings_sites")).url == settings_url(other_site)
    for user in (supporter, nurse):
        client.force_login(user)
        assert client.get(settings_url(site)).status_code == 403
        assert client.post(settings_url(site), form_data()).status_code == 403
    assert snapshot(site) == before


def test_a_manager_of_two_sites_chooses_and_edits_each_alone(client, site, other_site):
    both = make_user("both", Role.MANAGER, [site, other_site])
    client.force_login(both)
    page = client.get(reverse("programme:site_settings_sites")).content.decode()
    assert settings_url(site) in page and settings_url(other_site) in page
    client.post(settings_url(other_site), form_data(sms_sender="Aarhus"))
    assert SiteSettings.objects.get(site=other_site).sms_sender == "Aarhus"
    assert SiteSettings.objects.get(site=site).sms_sender == ""


def test_consent_is_recorded_against_the_sites_own_text(client, manager, site, other_site):
    client.force_login(manager)
    client.post(
        texts_url(site),
        {"purpose": "programme", "title": "KK v2", "body": "Tekst", "valid_from": "2026-06-01"},
    )
    peer = make_participant(site, Kind.PEER)
    screen_eligible(peer, manager)
    url = reverse("programme:participant_consent", args=[peer.pk])
    form = client.get(url).context["form"]
    assert form.initial["text"].title == "KK v2"  # the site's newest version is offered
    assert {text.site_id for text in form.fields["text"].queryset} == {site.pk}
    foreign = ConsentText.objects.current(ConsentPurpose.PROGRAMME, site=other_site)
    data = {"purpose": "programme", "decision": "given", "decided_on": "2026-05-01"}
    data |= {"method": "written", "note": ""}
    response = client.post(url, {**data, "text": foreign.pk})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    assert not Consent.objects.exists()
    own = ConsentText.objects.current(ConsentPurpose.PROGRAMME, site=site)
    assert client.post(url, {**data, "text": own.pk}).status_code == 302
    assert Consent.objects.get().text == own


def test_public_pages_and_the_consent_form_show_the_sites_own_texts(
    client, manager, site, other_site
):
    client.force_login(manager)
    client.post(settings_url(site), form_data())
    client.logout()
    form = client.get(reverse("programme:interest", args=[site.slug])).content.decode()
    assert "Vil du være med? Skriv dig op" in form
    assert "33 66 33 66" in form and "sod@kk.dk" in form and "Vesterbrogade 1" in form
    thanks = client.get(reverse("programme:interest_thanks", args=[site.slug])).content.decode()
    assert "33 66 33 66" in thanks
    theirs = client.get(reverse("programme:interest", args=[other_site.slug])).content.decode()
    assert "Vil du være med?" not in theirs and "33 66 33 66" not in theirs
    assert "Aarhus" in theirs  # the standard introduction names the site

    client.force_login(manager)
    peer = make_participant(site, Kind.PEER)
    consent_page = client.get(reverse("programme:participant_consent", args=[peer.pk]))
    assert "33 66 33 66" in consent_page.content.decode()


# --- Quiet hours and the SMS sender, per site, in the outbox sweep --------------------------------


def plan_sms(site: Site, key: str, due_at: dt.datetime) -> Reminder:
    peer = make_participant(site, Kind.PEER, phone="20 20 20 20", first_name="Maria")
    return outbox_plan(
        key=key,
        kind="meeting",
        channel="sms",
        due_at=due_at,
        recipient_participant=peer,
        context={"when": (due_at + dt.timedelta(days=1)).isoformat(), "place": "Café"},
    )


@pytest.fixture
def gateway(settings):
    with ProviderServer(gatewayapi(TOKEN)) as server:
        settings.OUTBOX_SMS_BACKEND = "tod.outbox.channels.gatewayapi.GatewayApiSmsBackend"
        settings.GATEWAYAPI_TOKEN = TOKEN
        settings.GATEWAYAPI_BASE_URL = server.url
        settings.OUTBOX_SMS_SENDER = "Installatio"
        settings.OUTBOX_SMS_TIMEOUT = 0.5
        yield server


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def set_sending(site: Site, *, quiet: tuple[dt.time, dt.time], sender: str) -> None:
    SiteSettings.objects.filter(site=site).update(
        quiet_from=quiet[0], quiet_to=quiet[1], sms_sender=sender
    )


def test_the_sweep_honours_each_sites_quiet_hours_and_sends_with_its_sender(
    site, other_site, gateway
):
    day = dt.date(2026, 5, 4)
    set_sending(site, quiet=(dt.time(21), dt.time(8)), sender="KbhKommune")
    set_sending(other_site, quiet=(dt.time(12), dt.time(14)), sender="Aarhus")
    with time_machine.travel(local(day, 12, 30), tick=False):
        copenhagen = plan_sms(site, "kbh:noon", timezone.now())
        aarhus = plan_sms(other_site, "aar:noon", timezone.now())
        result = outbox_sweep()
    assert (result.sent, result.postponed) == (1, 1)
    [request] = gateway.requests
    assert request.json()["sender"] == "KbhKommune"
    assert request.json()["userref"] == copenhagen.key
    aarhus.refresh_from_db()
    assert aarhus.status == ReminderStatus.QUEUED and aarhus.due_at == local(day, 14)

    with time_machine.travel(local(day, 14, 1), tick=False):
        assert outbox_sweep().sent == 1
    assert gateway.requests[-1].json()["sender"] == "Aarhus"
    assert gateway.requests[-1].json()["userref"] == aarhus.key

    with time_machine.travel(local(day, 22), tick=False):
        late_kbh = plan_sms(site, "kbh:night", timezone.now())
        plan_sms(other_site, "aar:night", timezone.now())
        result = outbox_sweep()
    assert (result.sent, result.postponed) == (1, 1)
    assert gateway.requests[-1].json()["sender"] == "Aarhus"
    late_kbh.refresh_from_db()
    assert late_kbh.due_at == local(day + dt.timedelta(days=1), 8)


def test_a_site_without_a_sender_sends_as_the_installation_does(site, gateway):
    set_sending(site, quiet=(dt.time(21), dt.time(8)), sender="")
    with time_machine.travel(local(dt.date(2026, 5, 4), 12), tick=False):
        plan_sms(site, "kbh:default", timezone.now())
        assert outbox_sweep().sent == 1
    assert gateway.requests[-1].json()["sender"] == "Installatio"


def test_twilio_sends_from_each_sites_number(site, other_site, settings):
    account, auth = "AC" + "1" * 32, "twilio-auth-token"
    with ProviderServer(twilio(account, auth)) as server:
        settings.OUTBOX_SMS_BACKEND = "tod.outbox.channels.twilio.TwilioSmsBackend"
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = account, auth
        settings.TWILIO_BASE_URL = server.url
        settings.OUTBOX_SMS_SENDER = "+4511111111"
        set_sending(site, quiet=(dt.time(21), dt.time(8)), sender="+4522222222")
        set_sending(other_site, quiet=(dt.time(21), dt.time(8)), sender="+4533333333")
        with time_machine.travel(local(dt.date(2026, 5, 4), 12), tick=False):
            plan_sms(site, "kbh:twilio", timezone.now())
            plan_sms(other_site, "aar:twilio", timezone.now())
            assert outbox_sweep().sent == 2
        senders = sorted(request.form()["From"] for request in server.requests)
    assert senders == ["+4522222222", "+4533333333"]


# --- Retention, per site --------------------------------------------------------------------------


def finished(site: Site, *, on: dt.date) -> Participant:
    person = make_participant(site, Kind.PEER)
    Participant.objects.filter(pk=person.pk).update(
        status=Status.COMPLETED, created_at=timezone.make_aware(dt.datetime.combine(on, dt.time()))
    )
    return person


def test_retention_runs_per_site(client, manager, site, other_site):
    long_ago = dt.date(2024, 1, 1)
    ours, theirs = finished(site, on=long_ago), finished(other_site, on=long_ago)
    client.force_login(manager)
    assert client.post(settings_url(site), form_data(retention_days="365")).status_code == 302
    other_site.refresh_from_db()
    assert other_site.retention_days == 5 * 365

    assert erase_past_retention(today=dt.date(2026, 11, 26)) == 1
    assert ErasureRecord.objects.filter(participant=ours, reason="retention").exists()
    assert not ErasureRecord.objects.filter(participant=theirs).exists()
    assert site_settings_for(other_site).site.retention_days == 5 * 365


# --- The data migration: the texts shared by every site become each site's own -----------------

BEFORE = ("programme", "0009_suggested_topic_supporter")
AFTER = ("programme", "0012_consent_text_belongs_to_a_site")


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_site_the_texts_with_their_history_and_keeps_each_answer():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state(BEFORE).apps
    Site_, User_ = old.get_model("accounts", "Site"), old.get_model("accounts", "User")
    Text_ = old.get_model("programme", "ConsentText")
    Person_, Consent_ = (
        old.get_model("programme", "Participant"),
        old.get_model("programme", "Consent"),
    )
    Text_.objects.all().delete()
    first = Text_.objects.create(
        purpose="programme", version=1, title="v1", body="one", valid_from=dt.date(2026, 1, 1)
    )
    second = Text_.objects.create(
        purpose="programme", version=2, title="v2", body="two", valid_from=dt.date(2026, 3, 1)
    )
    Text_.objects.create(
        purpose="evaluation", version=1, title="e1", body="eval", valid_from=dt.date(2026, 1, 1)
    )
    sites = [Site_.objects.create(name=n, slug=n.lower()) for n in ("Kbh", "Aarhus", "Odense")]
    recorder = User_.objects.create(username="recorder")
    answered = {}
    for site, text in zip(sites, (first, second, first), strict=True):
        person = Person_.objects.create(
            site=site,
            kind="peer",
            first_name="A",
            last_name=site.name,
            date_of_birth=dt.date(1960, 1, 1),
            sex="female",
        )
        answered[site.slug] = Consent_.objects.create(
            participant=person,
            purpose="programme",
            decision="given",
            text=text,
            decided_on=dt.date(2026, 4, 1),
            method="written",
            recorded_by=recorder,
        ).pk

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # Forward to every app's latest: going back to 0009 took the later migrations of the other
    # apps that depend on programme's (the background, ADR 0013) back too.
    executor.migrate(executor.loader.graph.leaf_nodes())

    for slug in ("kbh", "aarhus", "odense"):
        site = Site.objects.get(slug=slug)
        history = list(
            ConsentText.objects.of_site(site)
            .order_by("purpose", "version")
            .values_list("purpose", "version", "title", "body")
        )
        # The evaluation's text became one per research purpose on the way (migration 0015).
        assert history == [
            ("interview", 1, "e1", "eval"),
            ("observation", 1, "e1", "eval"),
            ("programme", 1, "v1", "one"),
            ("programme", 2, "v2", "two"),
            ("routine_data", 1, "e1", "eval"),
        ]
        assert SiteSettings.objects.filter(site=site).exists()
        answer = Consent.objects.select_related("text").get(pk=answered[slug])
        assert answer.text.site == site
        assert answer.text.version == (2 if slug == "aarhus" else 1)
