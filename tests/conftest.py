"""Personas shared by every test (healthchecks' alice/bob/charlie, for a peer support programme),
made with the apps' factories (`<app>/factories.py`).

- `site` (Copenhagen) and `other_site` (Aarhus)
- `manager`: project manager of `site`; `other_manager`: of `other_site` only
- `supporter`: a peer supporter with a login, linked to a supporter participant of `site`
- `other_supporter`: another supporter of `site`
- `nurse`, `supervisor`, `evaluator`: staff of `site`
- `outsider`: logged-in account with no role
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from programme.factories import ParticipantFactory, RoundFactory
from programme.models import Kind, Participant, Round
from tod.accounts.factories import SiteFactory, UserFactory
from tod.accounts.models import Role, Site
from tod.accounts.two_factor import REQUIRED_ROLES

# `--clock=INSTANT` runs the session at another instant (tests/clock.py); pytester tests it.
pytest_plugins = ["tests.clock", "pytester"]

PASSWORD = "a-long-test-password-1"

# The demo programme (seed_demo) is dated in 2026: its rounds, courses, supervision and network
# meetings have fixed dates, while its pairs' meetings are counted from the day it is seeded.
# Tests whose assertions rest on the fixed dates seed and read it at this instant (`demo_clock`),
# a Thursday morning when some of its sessions are past and others still to come.
DEMO_NOW = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)  # 09:00 in Copenhagen


@pytest.fixture(scope="session", autouse=True)
def close_stray_connections(django_db_setup, django_db_blocker):
    """At the end of the run, close database connections that threads of the live server left
    open (a browser's kept-alive connection keeps its handler thread waiting), so PostgreSQL lets
    the test database be dropped."""
    yield
    from django.db import OperationalError, connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
            except OperationalError:
                pass  # a run that never touched the database: its database may not exist


@pytest.fixture
def browser():
    """A headless Chromium (Debian's, never a downloaded one) for one browser test.

    Started per test on purpose: while Playwright's sync API runs, its event loop makes Django
    see another connection object in this thread, one without the serialized data that
    transactional tests restore; stopping it after each test keeps the tests that follow
    independent of it. Playwright allows one instance per thread, so no test may start its own."""
    from pathlib import Path

    from tests.browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # (fixtures, assertions) stay synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page("phone" | "tablet" | "desktop") -> a fresh page, with its own cookies, on the
    live server."""
    from tests.browser import VIEWPORTS

    contexts = []

    def make(viewport: str = "desktop", locale: str = "da-DK"):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale=locale, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(items):
    """Browser tests carry the `browser` marker. Transactional tests (live server, real Celery
    worker, concurrent sweeps) empty every table when they end, rows of data migrations
    included (consent texts, the codebook): restore them so later tests do not depend on the
    order."""
    for item in items:
        if "open_page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            item.add_marker(
                pytest.mark.django_db(**marker.kwargs, serialized_rollback=True), append=False
            )


@pytest.fixture
def demo_clock():
    """The clock stopped at DEMO_NOW for the test (a test of its own, not a live server's)."""
    with time_machine.travel(DEMO_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def forget_rate_limits():
    """The default cache holds the counters of the mail limits (tod.accounts.throttling); each
    test starts with none used, as each test starts with an empty database."""
    from django.core.cache import caches

    caches["default"].clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashes passwords slowly on purpose; tests log in hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def site(db) -> Site:
    return SiteFactory.create(name="Copenhagen", slug="copenhagen")


@pytest.fixture
def other_site(db) -> Site:
    return SiteFactory.create(name="Aarhus", slug="aarhus")


@pytest.fixture
def programme_round(site) -> Round:
    """The site's round of 2026 (1 January to 31 December)."""
    return RoundFactory.create(site=site)


def make_user(username: str, role: str, sites, **fields):
    """A user with PASSWORD; roles that require two-step login get a confirmed TOTP device."""
    user = UserFactory.create(
        username=username, role=role, sites=sites, password=PASSWORD, **fields
    )
    if role in REQUIRED_ROLES:
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def current_code(user) -> str:
    """A code the user can type now: what their authenticator app shows, or, when that code was
    already used in this 30-second step (a code works once), a fresh backup code."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    if device.last_t >= TOTP(device.bin_key, device.step, device.t0, device.digits).t():
        backup, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
        token = f"{StaticToken.objects.count() + 10_000_000:08d}"
        backup.token_set.create(token=token)
        return token
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


class VerifiedClient(Client):
    """`force_login` as a user who has also passed the second step of logging in, as every
    user of a role that requires it has in real use. The two-step tests use `Client` itself."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and (user.role in REQUIRED_ROLES or user.is_superuser):
            device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client() -> VerifiedClient:
    return VerifiedClient()


def log_in(client: Client, user, password: str = PASSWORD):
    """Log in over HTTP as a person would, with the second step where the user has one."""
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:500]
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        response = client.post(reverse("two_factor_verify"), {"token": current_code(user)})
        assert response.status_code == 302
    return response


def make_participant(site, kind=Kind.PEER, **fields) -> Participant:
    """A participant of `site` (a peer unless told): ParticipantFactory's Test PersonN."""
    return ParticipantFactory.create(site=site, kind=kind, **fields)


def screen_eligible(participant: Participant, by, on: dt.date = dt.date(2026, 1, 10)):
    """Screen a participant eligible (every criterion met): programme consent follows it."""
    from programme.models import CRITERIA, Answer
    from programme.services import screening_record

    answers = {code: Answer.YES for code, _label in CRITERIA[participant.kind]}
    return screening_record(participant=participant, screened_on=on, answers=answers, by=by)


@pytest.fixture
def manager(site):
    return make_user("manager", Role.MANAGER, [site], first_name="Maria")


@pytest.fixture
def other_manager(other_site):
    return make_user("other-manager", Role.MANAGER, [other_site])


@pytest.fixture
def supporter(site):
    user = make_user("supporter", Role.SUPPORTER, [site], first_name="Hanne")
    make_participant(site, Kind.SUPPORTER, first_name="Hanne", last_name="Larsen", user=user)
    return user


@pytest.fixture
def other_supporter(site):
    user = make_user("other-supporter", Role.SUPPORTER, [site], first_name="Jens")
    make_participant(site, Kind.SUPPORTER, first_name="Jens", last_name="Nielsen", user=user)
    return user


@pytest.fixture
def nurse(site):
    return make_user("nurse", Role.NURSE, [site])


@pytest.fixture
def supervisor(site):
    return make_user("supervisor", Role.SUPERVISOR, [site])


@pytest.fixture
def evaluator(site):
    return make_user("evaluator", Role.EVALUATOR, [site])


@pytest.fixture
def outsider(db):
    return make_user("outsider", "", [])


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: bound once to learn a free number, then closed,
    so connecting to it is refused at once (a real refusal, no mock)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down(settings, monkeypatch):
    """The Celery broker is Redis on a closed port, for the app and for Django's settings: every
    publish fails with a refused connection. The app's connection pools are put back afterwards."""
    from tod.celery import app as celery_app

    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_URL = url
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its own settings
    saved = celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool
    celery_app.conf.broker_url = url
    celery_app._pool = celery_app.amqp._producer_pool = None
    try:
        yield url
    finally:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool = saved
