"""Enrolment links: the way to set up a second factor that the user's role requires.

A password alone must never be enough to pair an authenticator app: whoever knows a manager's
password could pair their own phone and lock the owner out. A user who must log in in two steps
and has no app yet therefore gets a link in the e-mail of the account; the link, opened in a
session logged in with the password, allows the setup page in that session. Password plus the
account's mailbox, the same proof as a password reset.

The link is signed (Django's TimestampSigner, through `signing.dumps`), expires after
`LINK_MAX_AGE`, and is tied to the account's state: its password, its session salt and its
confirmed devices. Opening it rotates the session salt, so it works once; a new password,
"log out on all devices" or a device set up meanwhile void it too. An invitation (a new account's
first login) can build its link with `enrolment_url` and check it with `enrolment_user` and its
own `max_age`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .throttling import within_limit

SALT = "tod.accounts.enrolment"
LINK_MAX_AGE = dt.timedelta(hours=2)
# Mails per account per hour: enough to ask again after a lost mail, too few to flood a mailbox.
SEND_LIMIT = 3
SEND_WINDOW = dt.timedelta(hours=1)


def _state(user: User) -> str:
    devices = ",".join(
        str(pk)
        for pk in TOTPDevice.objects.filter(user=user, confirmed=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    value = f"{user.pk}|{user.password}|{user.session_salt}|{devices}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:32]


def enrolment_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=SALT)


def enrolment_url(user: User) -> str:
    """The absolute link that lets `user` set up two-step login (SITE_URL + path)."""
    path = reverse("two_factor_enrol", args=[enrolment_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def enrolment_user(token: str, *, max_age: dt.timedelta = LINK_MAX_AGE) -> User | None:
    """The active user the link was made for, or None when it is forged, expired or used."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(str(data.get("s", "")), _state(user)):
        return None
    return user


def enrolment_link_send(*, user: User) -> bool:
    """Mail the enrolment link to the account's address, at most SEND_LIMIT an hour.

    Returns False when nothing was sent (no address, or the limit is reached). Sent at once with
    Django's e-mail backend, as the password reset mail is: the user is waiting for it. Worded as
    the reminders are: no programme name, nothing about health."""
    if not user.email:
        return False
    if not within_limit(f"enrol-mail:{user.pk}", limit=SEND_LIMIT, window=SEND_WINDOW):
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Set up two-step login")
        hours = int(LINK_MAX_AGE.total_seconds() // 3600)
        body = _(
            "Hello %(name)s.\n\n"
            "You have logged in with your password. To finish, set up two-step login with this "
            "link. It works once, for %(hours)s hours, in the browser where you logged in:\n\n"
            "%(url)s\n\n"
            "If it was not you who logged in, change your password at once and tell your project "
            "manager."
        ) % {
            "name": user.first_name or user.get_username(),
            "hours": hours,
            "url": enrolment_url(user),
        }
    EmailMultiAlternatives(subject=subject, body=body, to=[user.email]).send()
    return True
