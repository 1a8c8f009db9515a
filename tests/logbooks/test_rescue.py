"""What the logbook-rescue middleware keeps when the session has ended (logbooks/middleware.py):
only a form that was shown, only what fits a logbook, and after the login it is the draft even
when part of it fails the form's checks; expired sessions are purged daily."""

from __future__ import annotations

import base64
import datetime as dt
import random

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from logbooks.forms import ANSWER_MAX_LENGTH
from logbooks.middleware import rescue_token
from logbooks.models import Logbook, LogbookStatus
from tests.conftest import PASSWORD
from tod.accounts import kept_input

from .conftest import aware
from .test_views import FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(started_pair, frozen):
    frozen.move_to(aware(2026, 3, 12, 12))  # after the first meeting: its logbook is due
    return started_pair.meetings.get(sequence=1)


def _noise(seed: int, size: int = 2_000_000) -> str:
    """`size` characters that do not compress (the session store compresses what it keeps)."""
    return base64.b64encode(random.Random(seed).randbytes(size * 3 // 4)).decode()


def _largest_session_row() -> int:
    """The largest session row in PostgreSQL, in bytes, as the database stores it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(octet_length(session_data)), 0) FROM django_session")
        return cursor.fetchone()[0]


def _log_in(client):
    client.post(reverse("login"), {"username": "supporter", "password": PASSWORD})


def _shown(client, url) -> str:
    """Open the logbook page as the supporter does; the token the page carries."""
    page = client.get(url)
    assert page.status_code == 200
    return page.context["rescue_token"]


def test_eight_anonymous_posts_of_2_mb_leave_the_session_small(client, meeting):
    url = reverse("logbooks:logbook_edit", args=[meeting.pk])
    for i in range(8):
        response = client.post(url, {**FORM, "reflections": _noise(i), "action": "draft"})
        assert response.status_code == 302  # to the login page
    assert _largest_session_row() < 2_000
    assert not client.session.get(kept_input.SESSION_KEY)


def test_a_supporter_who_was_shown_the_form_keeps_a_logbook_sized_rescue(
    client, supporter, meeting, frozen
):
    _log_in(client)
    url = reverse("logbooks:logbook_edit", args=[meeting.pk])
    token = _shown(client, url)
    frozen.shift(dt.timedelta(hours=2))  # the session ends
    fields = ["place", "challenges", "activities", "reflections"]
    for i in range(8):  # 2 MB each, in a different answer each time, the last in reflections
        response = client.post(
            url,
            {
                **FORM,
                fields[i % 4]: _noise(i),
                "topics": ["food"] * 500,
                "smuggled": "x" * 1000,
                "rescue_token": token,
                "action": "draft",
            },
        )
        assert response.status_code == 302  # to the login page
    # one rescue for the meeting, each field cut to what the form takes: a few dozen kB
    assert _largest_session_row() < 60_000
    kept = client.session[kept_input.SESSION_KEY]
    assert list(kept) == [f"logbook:{meeting.pk}"]
    answers = kept[f"logbook:{meeting.pk}"]["data"]["answers"]
    assert "smuggled" not in answers and "rescue_token" not in answers
    assert len(answers["reflections"][0]) == ANSWER_MAX_LENGTH
    assert len(answers["topics"]) <= 8
    # after the login it is the draft, and the page says which answers were cut
    response = client.post(
        f"{reverse('login')}?next={url}",
        {"username": "supporter", "password": PASSWORD},
        follow=True,
    )
    logbook = Logbook.objects.get()
    assert logbook.status == LogbookStatus.DRAFT
    assert logbook.reflections == _noise(7)[:ANSWER_MAX_LENGTH]
    shown = " ".join(str(message) for message in response.context["messages"])
    with translation.override("da"):
        assert str(Logbook._meta.get_field("reflections").verbose_name) in shown


def test_a_post_for_a_form_that_was_not_shown_is_not_rescued(client, supporter, meeting, frozen):
    _log_in(client)
    url = reverse("logbooks:logbook_edit", args=[meeting.pk])
    other_meeting = meeting.pair.meetings.get(sequence=2)
    frozen.shift(dt.timedelta(hours=2))
    client.post(url, {**FORM, "reflections": "never shown", "action": "draft"})
    forged = "1:x:" + rescue_token(meeting_pk=meeting.pk, user_pk=supporter.pk)[4:]
    client.post(url, {**FORM, "reflections": "forged", "rescue_token": forged})
    another = rescue_token(meeting_pk=other_meeting.pk, user_pk=supporter.pk)
    client.post(url, {**FORM, "reflections": "other meeting's form", "rescue_token": another})
    assert not client.session.get(kept_input.SESSION_KEY)
    _log_in(client)
    page = client.get(url).content.decode()
    assert "never shown" not in page and "forged" not in page and "other meeting" not in page
    assert not Logbook.objects.exists()


def test_a_session_keeps_one_rescue_per_meeting_and_a_few_in_all(db):
    request = RequestFactory().post("/")
    request.session = SessionStore()
    for n in range(10):
        kept_input.keep(request, f"logbook:{n % 5}", {"n": n}, user_pk=1)
    kept = request.session[kept_input.SESSION_KEY]
    assert len(kept) == kept_input.KEEP_AT_MOST
    assert [entry["data"]["n"] for entry in kept.values()] == [7, 8, 9]  # the newest


def test_a_rescued_logbook_that_fails_validation_is_kept_as_a_draft(
    client, supporter, meeting, frozen
):
    """Save and reload: the session ends, the supporter submits a logbook with one answer the
    form refuses, logs in, sees it once, leaves and comes back: the rest is there as the draft."""
    _log_in(client)
    url = reverse("logbooks:logbook_edit", args=[meeting.pk])
    token = _shown(client, url)
    frozen.shift(dt.timedelta(hours=2))
    response = client.post(
        url,
        {
            **FORM,
            "reflections": "Kept after all",
            "duration_minutes": "5000",  # more than a day: the form refuses it
            "action": "submit",
            "rescue_token": token,
        },
    )
    response = client.post(
        response["Location"], {"username": "supporter", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    page = response.content.decode()
    assert "Kept after all" in page and 'value="5000"' in page  # shown as typed, once
    shown = " ".join(str(message) for message in response.context["messages"])
    with translation.override("da"):
        assert str(Logbook._meta.get_field("duration_minutes").verbose_name) in shown
    # away and back: the draft holds everything but the refused answer
    assert client.get(reverse("logbooks:pair_detail", args=[meeting.pair_id])).status_code == 200
    page = client.get(url).content.decode()
    assert "Kept after all" in page
    logbook = Logbook.objects.get()
    assert logbook.status == LogbookStatus.DRAFT
    assert logbook.reflections == "Kept after all" and logbook.activities == "A walk"
    assert logbook.duration_minutes is None and logbook.topics == ["food", "loneliness"]


def test_expired_sessions_are_purged_daily(db):
    from tod.accounts.tasks import clear_expired_sessions

    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "tod.accounts.tasks.clear_expired_sessions" in tasks
    now = timezone.now()
    Session.objects.create(
        session_key="expired", session_data="x", expire_date=now - dt.timedelta(minutes=1)
    )
    Session.objects.create(
        session_key="live", session_data="x", expire_date=now + dt.timedelta(hours=1)
    )
    clear_expired_sessions.apply()  # as the worker runs it
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
