import datetime as dt

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .kept_input import anything_kept
from .middleware import set_language_cookie
from .roles import ROLE_HOME_URL_NAMES
from .services import user_end_all_sessions, user_revoke_standing_access
from .throttling import client_address, within_limit


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own dashboard."""
    url_name = ROLE_HOME_URL_NAMES.get(request.user.role)
    if url_name is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(url_name)


class LoginView(auth_views.LoginView):
    """Django's login page, which says that what the user was typing has been kept only when an
    app kept it (tod.accounts.kept_input), not to everyone sent to log in."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(input_kept=anything_kept(self.request), **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the other sessions end (Django's session hash covers the
    password) and the secret addresses given with the old password are replaced."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user_revoke_standing_access(user=form.user)
        return response


# A reset mail can be asked for by anyone: at most this many per account (the e-mail typed) and
# per client address in RESET_WINDOW. Over the limit the page answers as always, so it tells
# nobody whether an account exists, and no mailbox is flooded.
RESET_PER_ACCOUNT = 3
RESET_PER_ADDRESS = 10
RESET_WINDOW = dt.timedelta(hours=1)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        address = client_address(self.request) or "unknown"
        if not within_limit(
            f"reset-address:{address}", limit=RESET_PER_ADDRESS, window=RESET_WINDOW
        ) or not within_limit(
            f"reset-account:{email}", limit=RESET_PER_ACCOUNT, window=RESET_WINDOW
        ):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset link; the new password also replaces the secret addresses."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user_revoke_standing_access(user=form.user)
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language and remember it for the user (and in a cookie)."""
    from django.conf import settings

    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("That language is not available."))
        return response
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    translation.activate(language)
    set_language_cookie(response, language)
    return response


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own security page: change password, log out on every device."""
    from django_otp import user_has_device

    from .two_factor import REQUIRED_ROLES

    return render(
        request,
        "accounts/security.html",
        {
            "has_two_factor": user_has_device(request.user),
            "two_factor_required": request.user.role in REQUIRED_ROLES,
        },
    )


@login_required
@require_POST
def end_all_sessions(request: HttpRequest) -> HttpResponse:
    user_end_all_sessions(user=request.user)
    logout(request)
    messages.success(request, _("You have been logged out on all your devices."))
    return redirect("login")
