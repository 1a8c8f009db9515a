"""Questions 9 and 10 of the logbook, the programme's safety net (issue 19): the answer to "Do
you need support?" comes back checked after a draft and on "Edit", and a request for support
is never dropped silently: the form asks when 9 and 10 disagree, and a draft keeps both."""

import re

import pytest
from django.urls import reverse

from logbooks.models import Logbook, LogbookStatus
from tod.outbox.models import Reminder, ReminderKind

from .conftest import aware

FORM = {"activities": "Gåtur", "place": "Parken", "duration_minutes": "60"}
HELP = "Hvordan taler jeg med Bent om hans medicin?"


@pytest.fixture
def meeting(started_pair, frozen):
    frozen.move_to(aware(2026, 3, 12, 12))
    return started_pair.meetings.get(sequence=1)


@pytest.fixture
def url(client, supporter, meeting):
    client.force_login(supporter)
    return reverse("logbooks:logbook_edit", args=[meeting.pk])


def checked(page: str, name: str) -> list[str]:
    """The values of the checked inputs named `name`, as a browser reads the page."""
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        if re.search(r"\schecked\b", tag)
    ]


def alerts() -> int:
    return Reminder.objects.filter(kind=ReminderKind.SUPPORT_REQUEST).count()


def test_a_new_logbook_leaves_question_9_for_the_supporter_to_answer(client, url):
    assert checked(client.get(url).content.decode(), "needs_support") == []


@pytest.mark.parametrize("answer", ["1", "0"])
def test_the_answer_to_question_9_comes_back_checked_after_a_draft(client, url, answer):
    support_with = HELP if answer == "1" else ""
    client.post(
        url, {**FORM, "needs_support": answer, "support_with": support_with, "action": "draft"}
    )
    assert checked(client.get(url).content.decode(), "needs_support") == [answer]


def test_a_draft_then_submit_unchanged_sends_the_request_for_support(
    client, url, supporter, manager
):
    client.post(url, {**FORM, "needs_support": "1", "support_with": HELP, "action": "draft"})
    assert alerts() == 0  # a draft asks nobody yet
    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            **FORM,
            "needs_support": checked(page, "needs_support"),
            "support_with": HELP,
            "action": "submit",
        },
    )
    assert response.status_code == 302
    logbook = Logbook.objects.get()
    assert (logbook.status, logbook.needs_support, logbook.support_with) == (
        LogbookStatus.SUBMITTED,
        True,
        HELP,
    )
    assert alerts() == 1  # the manager's alert


def test_edit_on_a_submitted_logbook_keeps_the_request_for_support(client, url):
    client.post(url, {**FORM, "needs_support": "1", "support_with": HELP, "action": "submit"})
    logbook = Logbook.objects.get()
    detail = client.get(reverse("logbooks:logbook_detail", args=[logbook.pk])).content.decode()
    assert f'href="{url}"' in detail  # "Rediger"
    page = client.get(url).content.decode()
    assert checked(page, "needs_support") == ["1"]
    client.post(
        url,
        {
            **FORM,
            "needs_support": checked(page, "needs_support"),
            "support_with": HELP,
            "action": "submit",
        },
    )
    logbook.refresh_from_db()
    assert (logbook.needs_support, logbook.support_with) == (True, HELP)
    assert alerts() == 1  # the same request: no second alert


def test_yes_without_saying_what_about_is_refused_on_submit(client, url):
    response = client.post(url, {**FORM, "needs_support": "1", "action": "submit"})
    assert response.status_code == 200
    assert "Skriv, hvad du gerne vil have støtte til" in response.content.decode()
    assert not Logbook.objects.exists()


def test_text_in_question_10_without_an_answer_to_9_asks(client, url):
    response = client.post(url, {**FORM, "support_with": HELP, "action": "submit"})
    assert response.status_code == 200
    assert "svar Ja for at sende din anmodning til projektlederen" in response.content.decode()
    assert not Logbook.objects.exists() and alerts() == 0


def test_no_with_text_in_question_10_asks(client, url):
    response = client.post(
        url, {**FORM, "needs_support": "0", "support_with": HELP, "action": "submit"}
    )
    assert response.status_code == 200
    assert "Du har svaret Nej" in response.content.decode()
    assert not Logbook.objects.exists()


def test_question_9_left_unanswered_with_10_empty_stays_unanswered(client, url):
    """Nothing to send and nothing invented: not a silent No."""
    response = client.post(url, {**FORM, "action": "submit"})
    assert response.status_code == 302
    logbook = Logbook.objects.get()
    assert (logbook.status, logbook.needs_support) == (LogbookStatus.SUBMITTED, None)
    detail = client.get(reverse("logbooks:logbook_detail", args=[logbook.pk])).content.decode()
    assert 'støtte til at klare en udfordring?</dt><dd class="col-md-8">–</dd>' in detail
    assert alerts() == 0


@pytest.mark.parametrize(
    "answer, text, stored",
    [("1", "", True), ("", HELP, None), ("0", HELP, False), ("", "", None)],
)
def test_a_draft_keeps_9_and_10_as_they_are(client, url, answer, text, stored):
    """Half-way through, as the autosave sends it: nothing refused, nothing dropped."""
    response = client.post(
        url, {**FORM, "needs_support": answer, "support_with": text, "action": "draft"}
    )
    assert response.status_code == 302
    logbook = Logbook.objects.get()
    assert (logbook.status, logbook.needs_support, logbook.support_with) == ("draft", stored, text)
    page = client.get(url).content.decode()
    assert checked(page, "needs_support") == ([answer] if answer else [])
    assert text in page
