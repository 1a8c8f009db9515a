"""Password reset: a limited number of mails per account and per address, the same answer in every
case, and mails worded like the reminders (no programme name, nothing about health)."""

from django.urls import reverse

from tests.conftest import make_user
from tod.accounts.models import Role


def ask(client, email, address="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_thirty_requests_for_one_account_send_three_mails(client, manager, mailoutbox):
    manager.email = "maria@example.org"
    manager.save(update_fields=["email"])
    responses = [ask(client, "maria@example.org", address=f"192.0.2.{n}") for n in range(30)]
    assert len(mailoutbox) == 3
    # the answer never changes, so it says nothing about the limit or the account
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}


def test_one_address_asking_for_many_accounts_sends_at_most_ten_mails(client, site, mailoutbox):
    for n in range(15):
        make_user(f"staff-{n}", Role.SUPPORTER, [site], email=f"staff-{n}@example.org")
    for n in range(15):
        assert ask(client, f"staff-{n}@example.org").status_code == 302
    assert len(mailoutbox) == 10
    ask(client, "staff-14@example.org", address="198.51.100.1")  # another address still can
    assert len(mailoutbox) == 11


def test_the_mail_names_neither_the_programme_nor_diabetes(client, manager, mailoutbox):
    manager.email = "maria@example.org"
    manager.save(update_fields=["email"])
    ask(client, "maria@example.org")
    (mail,) = mailoutbox
    for text in (mail.subject, mail.body, mail.from_email):
        assert "diabet" not in text.lower()
        assert "together on" not in text.lower()
    assert "/accounts/password/reset/" in mail.body
    assert "Maria" in mail.body


def test_an_unknown_address_gets_the_same_answer(client, db, mailoutbox):
    response = ask(client, "nobody@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def _answer(response):
    """What a visitor can see of the answer: status, where it sends them, the cookies set."""
    return response.status_code, response.get("Location"), tuple(sorted(response.cookies))


def test_the_answer_is_the_same_for_every_kind_of_account_and_for_none(client, site, mailoutbox):
    """An active account, a deactivated one, an invited one without a password yet, and no
    account: the same answer; only the active account gets a mail."""
    make_user("active", Role.NURSE, [site], email="active@example.org")
    make_user("gone", Role.NURSE, [site], email="gone@example.org", is_active=False)
    invited = make_user("invited", Role.NURSE, [site], email="invited@example.org")
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    answers = {
        email: _answer(ask(client, f"{email}@example.org"))
        for email in ("active", "gone", "invited", "nobody")
    }
    assert len(set(answers.values())) == 1, answers
    assert [mail.to for mail in mailoutbox] == [["active@example.org"]]
    page = client.get(reverse("password_reset_done"))
    assert page.status_code == 200
