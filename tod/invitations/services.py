"""Accounts made in the app: invitations, and the manager's deactivate, reactivate and expiry.

A manager invites staff into their own sites (and gives a trained supporter a login from the
participant's page, programme.services.participant_give_login). The account is made at once,
without a usable password; the invitee gets a single-use link by e-mail or SMS, sent at once
through the outbox's own channels (so an SMS leaves through the configured gateway), and sets a
password there. Only the hash of the link's token is stored. Every step changes a row of the
accounts tables, which the audit trail records (settings.AUDITED_MODELS). docs/adr/0012.

The rules a manager's action meets (`_check_manages`): a manager acts only in sites they work
in, and only on accounts whose every site is one of theirs; never on a superuser, never on
their own account. A manager may invite another manager, into their own sites only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tod.accounts.models import Invitation, Role, Site, User
from tod.accounts.services import user_create, user_end_all_sessions
from tod.audit.context import acting_as
from tod.outbox.channels import Message, open_channels
from tod.outbox.models import Reminder

logger = logging.getLogger("tod.invitations")

# The roles a manager may invite from the accounts page; supporters get a login from their
# participant page, so the login is linked to their record.
STAFF_ROLES = (Role.MANAGER, Role.NURSE, Role.SUPERVISOR, Role.EVALUATOR)


def invitation_max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings.INVITATION_MAX_AGE_HOURS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_manages(by: User, *, site: Site | None = None, user: User | None = None) -> None:
    """Raise PermissionDenied unless `by` is an active manager of `site` and of every site of
    `user` (and `user` is neither a superuser nor `by`)."""
    if not by.is_active or by.role != Role.MANAGER:
        raise PermissionDenied
    if site is not None and not by.works_in(site.pk):
        raise PermissionDenied
    if user is not None:
        if user.is_superuser or user.pk == by.pk:
            raise PermissionDenied
        sites = set(user.sites.values_list("pk", flat=True))
        if not sites or not sites <= by.site_ids():
            raise PermissionDenied


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def free_username(first_name: str, last_name: str) -> str:
    """A username people can type on a phone: the first name in plain letters, a number after
    it when it is taken (hanne, hanne2, ...)."""
    base = slugify(first_name.translate(_DANISH)).replace("-", "") or slugify(
        last_name.translate(_DANISH)
    ).replace("-", "")
    base = (base or "user")[:30]
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def _message(invitation: Invitation, token: str) -> Message:
    """Worded as the reminders are: no programme name, nothing about health."""
    user = invitation.user
    url = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation_accept", args=[token])
    values = {
        "name": user.first_name or user.username,
        "username": user.username,
        "hours": settings.INVITATION_MAX_AGE_HOURS,
        "url": url,
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Your new login")
        if invitation.channel == Invitation.Channel.SMS:
            text = (
                _(
                    "Hello %(name)s. You have a login, username %(username)s. Choose your "
                    "password within %(hours)s hours: %(url)s"
                )
                % values
            )
        else:
            text = (
                _(
                    "Hello %(name)s.\n\nYou have been given a login. Your username is "
                    "%(username)s.\n\nChoose your password with this link. It works once, "
                    "within %(hours)s hours:\n\n%(url)s\n\nIf you did not expect this, you can "
                    "ignore this message."
                )
                % values
            )
    return Message(subject=subject, text=text)


def _deliver(invitation: Invitation, token: str) -> None:
    """Send the link now through the outbox's channel (the invitee is waiting for it) and record
    the outcome on the row. The channels read only the key of the reminder they are given: an
    unsaved one carries it, so a provider's receipt finds no reminder and changes nothing."""
    channel = open_channels()[invitation.channel]
    key = f"invitation:{invitation.pk}"
    now = timezone.now()
    try:
        channel.open()
        try:
            channel.send(
                reminder=Reminder(key=key, channel=invitation.channel),
                address=invitation.address,
                message=_message(invitation, token),
            )
        finally:
            channel.close()
    except Exception as exc:  # a gateway down, a refused number: the manager sees it and resends
        logger.warning("invitation %s not sent: %s", invitation.pk, exc)
        invitation.send_error = f"{type(exc).__name__}: {exc}"[:300]
        invitation.save(update_fields=["send_error"])
        return
    invitation.sent_at = now
    invitation.send_error = ""
    invitation.save(update_fields=["sent_at", "send_error"])


def _address(*, channel: str, email: str, phone: str) -> str:
    address = (email if channel == Invitation.Channel.EMAIL else phone).strip()
    if not address:
        raise ValidationError(
            _("An invitation by e-mail needs an e-mail address.")
            if channel == Invitation.Channel.EMAIL
            else _("An invitation by SMS needs a phone number.")
        )
    return address


@transaction.atomic
def invitation_send(
    *, user: User, site: Site, channel: str, email: str = "", phone: str = "", by: User
) -> Invitation:
    """Send `user` a new link to choose a password; the links sent before stop working.

    Returns the invitation; `sent_at` is set when the channel accepted the message, else
    `send_error` says why (the row stays, and a resend tries again)."""
    _check_manages(by, site=site, user=user)
    if channel not in Invitation.Channel.values:
        raise ValidationError(_("Choose e-mail or SMS."))
    if user.has_usable_password():
        raise ValidationError(_("This account already has a password."))
    if not user.is_active:
        raise ValidationError(_("This account is deactivated. Reactivate it first."))
    address = _address(channel=channel, email=email, phone=phone)
    now = timezone.now()
    Invitation.objects.filter(user=user).pending(now).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        site=site,
        token_hash=token_hash(token),
        channel=channel,
        address=address,
        invited_by=by,
        created_at=now,
        expires_at=now + invitation_max_age(),
    )
    _deliver(invitation, token)
    return invitation


@transaction.atomic
def account_invite(
    *,
    site: Site,
    role: str,
    first_name: str,
    last_name: str,
    channel: str,
    email: str = "",
    phone: str = "",
    language: str = "da",
    access_expires_on: dt.date | None = None,
    by: User,
) -> Invitation:
    """Make an account in `site` with `role` (never a superuser) and send its invitation."""
    _check_manages(by, site=site)
    if role not in Role.values:
        raise ValidationError(_("Choose a role."))
    _address(channel=channel, email=email, phone=phone)
    user = user_create(
        username=free_username(first_name, last_name),
        role=role,
        sites=[site],
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
        access_expires_on=access_expires_on,
    )
    return invitation_send(user=user, site=site, channel=channel, email=email, phone=phone, by=by)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """A new link to the same address; the old one stops working."""
    email = invitation.address if invitation.channel == Invitation.Channel.EMAIL else ""
    phone = invitation.address if invitation.channel == Invitation.Channel.SMS else ""
    return invitation_send(
        user=invitation.user,
        site=invitation.site,
        channel=invitation.channel,
        email=email,
        phone=phone,
        by=by,
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """The link stops working at once. Idempotent."""
    _check_manages(by, site=invitation.site, user=invitation.user)
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for_token(token: str, *, now: dt.datetime | None = None) -> Invitation | None:
    """The pending invitation of an active account the link was made for, or None (forged,
    used, revoked, replaced by a resend, or expired)."""
    now = now or timezone.now()
    return (
        Invitation.objects.pending(now)
        .select_related("user")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invitee's password (already checked by Django's validators in the form) and use
    the link up. Raises ValidationError when the link no longer works: a second use, even a
    concurrent one, finds the row locked and then accepted."""
    now = timezone.now()
    invitation = (
        Invitation.objects.pending(now)
        .select_for_update()
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This link has already been used or has expired."))
    user = invitation.user
    with acting_as(user):
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
        Invitation.objects.filter(user=user).pending(now).update(revoked_at=now)
    return user


@transaction.atomic
def account_deactivate(*, user: User, by: User) -> User:
    """The account can no longer log in; its open sessions end on their next request (Django
    reloads the user, and the session hash changes too), its pending links stop working."""
    _check_manages(by, user=user)
    now = timezone.now()
    Invitation.objects.filter(user=user).pending(now).update(revoked_at=now)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    user_end_all_sessions(user=user)
    return user


@transaction.atomic
def account_reactivate(*, user: User, by: User) -> User:
    """The account may log in again; an access expiry date already past is cleared (the
    manager sets a new one if the access should end again)."""
    _check_manages(by, user=user)
    today = timezone.localdate()
    fields = []
    if not user.is_active:
        user.is_active = True
        fields.append("is_active")
    if user.access_has_expired(today):
        user.access_expires_on = None
        fields.append("access_expires_on")
    if fields:
        user.save(update_fields=fields)
    return user


@transaction.atomic
def account_set_access_expiry(*, user: User, expires_on: dt.date | None, by: User) -> User:
    """Access ends after `expires_on` (None: no end). Enforced at login and on every request
    (tod.accounts.backends)."""
    _check_manages(by, user=user)
    if user.access_expires_on != expires_on:
        user.access_expires_on = expires_on
        user.save(update_fields=["access_expires_on"])
    return user
