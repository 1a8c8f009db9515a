"""The manager's accounts page per site, its actions, and the invitee's link (docs/accounts.md).

Every view checks the role (MANAGE_ACCOUNTS) and the object: a site the manager works in, an
account of those sites (404 otherwise); the services check again that the manager works in every
site of the account (403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tod.accounts.http import AuthenticatedHttpRequest
from tod.accounts.models import AccountState, Invitation, Site, User
from tod.accounts.permissions import get_object_for_user, requires
from tod.accounts.roles import Permission
from tod.accounts.two_factor import ENROL_SESSION_KEY, REQUIRED_ROLES
from tod.once.guard import once_per_submission

from . import services
from .forms import AccessExpiryForm, ChoosePasswordForm, InviteForm

P = Permission.MANAGE_ACCOUNTS
BACKEND = "tod.accounts.backends.AccountBackend"


def _site(request: AuthenticatedHttpRequest, site_pk: int) -> Site:
    if not request.user.works_in(site_pk):
        raise Http404
    return Site.objects.get(pk=site_pk)


def _account(request: AuthenticatedHttpRequest, pk: int) -> User:
    """An account of one of the manager's sites (404 for any other, existing or not)."""
    account = (
        User.objects.filter(sites__in=sorted(request.user.site_ids()), is_superuser=False)
        .exclude(pk=request.user.pk)
        .distinct()
        .filter(pk=pk)
        .first()
    )
    if account is None:
        raise Http404
    return account


def _invitation(request: AuthenticatedHttpRequest, pk: int) -> Invitation:
    invitations = Invitation.objects.select_related("user", "site")
    return get_object_for_user(invitations, request.user, P, pk=pk)


@requires(P)
def accounts_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The menu's entry: the accounts page of the manager's first site."""
    site = Site.objects.filter(pk__in=sorted(request.user.site_ids())).first()
    if site is None:
        raise Http404
    return redirect("accounts:site_accounts", site_pk=site.pk)


@requires(P)
def site_accounts(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    """Everyone who logs in to the site: role, state, last login, access expiry, the latest
    invitation and what the manager may do. A constant number of queries."""
    site = _site(request, site_pk)
    invitations = Invitation.objects.order_by("-created_at", "-id")
    accounts = list(
        User.objects.filter(sites=site, is_superuser=False)
        .order_by("role", "first_name", "last_name", "username")
        .prefetch_related(
            Prefetch("invitations", queryset=invitations, to_attr="invitations_newest_first")
        )
    )
    other_sites = Site.objects.filter(pk__in=sorted(request.user.site_ids())).exclude(pk=site.pk)
    today, now = timezone.localdate(), timezone.now()
    rows = [
        {
            "account": account,
            "state": account.account_state(today),
            "state_label": AccountState(account.account_state(today)).label,
            "invitation": account.invitations_newest_first[0]
            if account.invitations_newest_first
            else None,
            "pending": bool(account.invitations_newest_first)
            and account.invitations_newest_first[0].is_pending(now),
            "is_me": account.pk == request.user.pk,
        }
        for account in accounts
    ]
    return render(
        request,
        "accounts/site_accounts.html",
        {"site": site, "rows": rows, "other_sites": other_sites, "expiry_form": AccessExpiryForm()},
    )


@requires(P)
@require_http_methods(["GET", "POST"])
@once_per_submission
def account_invite(request: AuthenticatedHttpRequest, site_pk: int) -> HttpResponse:
    site = _site(request, site_pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.account_invite(site=site, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _report_sending(request, invitation)
            return redirect("accounts:site_accounts", site_pk=site.pk)
    return render(
        request,
        "accounts/invite.html",
        {
            "form": form,
            "site": site,
            "hours": services.invitation_max_age().total_seconds() // 3600,
        },
    )


def _report_sending(request: HttpRequest, invitation: Invitation) -> None:
    if invitation.sent_at:
        messages.success(
            request,
            _("The invitation to %(name)s was sent to %(address)s.")
            % {"name": invitation.user, "address": invitation.address},
        )
    else:
        messages.error(
            request,
            _(
                "The invitation to %(name)s could not be sent (%(error)s). "
                "Check the address and send it again."
            )
            % {"name": invitation.user, "error": invitation.send_error},
        )


@requires(P)
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        _report_sending(request, services.invitation_resend(invitation=invitation, by=request.user))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:site_accounts", site_pk=invitation.site_id)


@requires(P)
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation's link no longer works."))
    return redirect("accounts:site_accounts", site_pk=invitation.site_id)


def _back(request: AuthenticatedHttpRequest, account: User) -> HttpResponse:
    site = next((pk for pk in sorted(account.site_ids()) if request.user.works_in(pk)), None)
    return redirect("accounts:site_accounts", site_pk=site) if site else redirect("accounts:index")


@requires(P)
@require_POST
def account_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = services.account_deactivate(user=_account(request, pk), by=request.user)
    messages.success(request, _("%(name)s can no longer log in.") % {"name": account})
    return _back(request, account)


@requires(P)
@require_POST
def account_reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = services.account_reactivate(user=_account(request, pk), by=request.user)
    messages.success(request, _("%(name)s can log in again.") % {"name": account})
    return _back(request, account)


@requires(P)
@require_POST
def account_expiry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    form = AccessExpiryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That is not a date."))
        return _back(request, account)
    services.account_set_access_expiry(
        user=account, expires_on=form.cleaned_data["access_expires_on"], by=request.user
    )
    messages.success(request, _("The access of %(name)s is saved.") % {"name": account})
    return _back(request, account)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's link: choose a password, then on into the app, logged in. A role that
    requires two-step login goes straight to its setup (the link proved the mailbox or phone,
    as the enrolment link does). Opening the link changes nothing: a mail scanner that fetches
    it uses nothing up."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    user = invitation.user
    form = ChoosePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        if request.user.is_authenticated:
            logout(request)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Your password is saved. Welcome!"))
        if user.role in REQUIRED_ROLES:
            request.session[ENROL_SESSION_KEY] = user.pk
            return redirect("two_factor_setup")
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitee": user})
