"""Two-step login (django-otp): a TOTP app on the phone, plus ten single-use backup codes.

Required for roles that see many people's health data (REQUIRED_ROLES) and for the admin site;
offered to peer supporters, and enforced for anyone who has set it up.

Setting it up: a user whose role requires it and who has no app yet cannot pair one on the
password alone; the setup page mails a link to the account's address instead
(tod.accounts.enrolment), and the link opens the setup page in the session that follows it. A
user who is fully logged in (verified, or not required to use it) sets it up on the page after
typing the password again. Once it is on, every other session of the user ends.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .enrolment import enrolment_link_send, enrolment_user
from .models import Role
from .services import user_end_all_sessions

REQUIRED_ROLES = frozenset(Role(role) for role in settings.TWO_FACTOR_REQUIRED_ROLES if role)
BACKUP_CODE_COUNT = 10
# The name the authenticator app shows on the phone, beside the code: neutral, like the
# reminders, since a phone is seen by others and the programme's name tells a diagnosis.
ISSUER = settings.OTP_TOTP_ISSUER


NO_DEVICE_SESSION_KEY = "tod_two_factor_not_set_up"
# The user whose enrolment link was opened in this session (their pk): the setup page is open.
ENROL_SESSION_KEY = "tod_two_factor_enrol_for"
# The enrolment link was mailed in this session: later visits of the setup page do not resend it.
LINK_SENT_SESSION_KEY = "tod_two_factor_link_sent"


def is_required_for(request: HttpRequest) -> bool:
    """Required by role, or because the user has set it up. The device lookup of a user who may
    do without is made once per session, not on every request."""
    user = request.user
    if user.role in REQUIRED_ROLES or user.is_superuser:
        return True
    if request.session.get(NO_DEVICE_SESSION_KEY):
        return False
    if user_has_device(user):
        return True
    request.session[NO_DEVICE_SESSION_KEY] = True
    return False


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        help_text=gettext_lazy("The 6 digits from your authenticator app, or a backup code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        self.device = match_token(self.user, token)
        if self.device is None:
            raise forms.ValidationError(_("That code is not right. Please try again."))
        return token


class ConfirmDeviceForm(forms.Form):
    """The code from the newly paired app; with `password_of`, the user's password too (a
    session left open on a shared computer must not be enough to pair someone else's phone)."""

    token = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device: TOTPDevice, password_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.password_of = password_of
        if password_of is not None:
            self.fields["password"] = forms.CharField(
                label=gettext_lazy("Your password"),
                strip=False,
                max_length=4096,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.password_of.check_password(password):
            raise forms.ValidationError(_("That password is not right."))
        return password

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "")

    def clean(self):
        # The code is checked last, and only with the right password: a checked code is used up.
        cleaned = super().clean()
        token = cleaned.get("token")
        if token is not None and not self.errors:
            if not token.isdigit() or not self.device.verify_token(token):
                self.add_error("token", _("That code is not right. Check the time on your phone."))
        return cleaned


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("home")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@transaction.atomic
def backup_codes_issue(*, user) -> list[str]:
    """Replace the user's backup codes with ten new single-use ones and return them."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _needs_enrolment_link(request: HttpRequest) -> bool:
    """The user must use a second factor, has none, and has only typed the password."""
    user = request.user
    return (
        (user.role in REQUIRED_ROLES or user.is_superuser)
        and not user.is_verified()
        and request.session.get(ENROL_SESSION_KEY) != user.pk
    )


def _enrolment_link_page(request: HttpRequest) -> HttpResponse:
    """Instead of the setup page: the link is on its way to the account's e-mail. Sent on the
    first visit in a session and when asked again (a POST), within the mail limit."""
    user = request.user
    sent = limited = False
    if request.method == "POST" or not request.session.get(LINK_SENT_SESSION_KEY):
        sent = enrolment_link_send(user=user)
        limited = bool(user.email) and not sent
        request.session[LINK_SENT_SESSION_KEY] = True
    return render(
        request,
        "accounts/two_factor_link_sent.html",
        {
            "has_email": bool(user.email),
            "resent": sent and request.method == "POST",
            "limited": limited,
        },
    )


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app: scan the code, type one token, get the backup codes."""
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?next={quote(_safe_next(request))}")
    if _needs_enrolment_link(request):
        return _enrolment_link_page(request)
    user = request.user
    via_link = request.session.get(ENROL_SESSION_KEY) == user.pk
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    form = ConfirmDeviceForm(
        request.POST or None, device=device, password_of=None if via_link else user
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = backup_codes_issue(user=user)
            # Sessions opened before (perhaps with a stolen password) end; this one goes on.
            user_end_all_sessions(user=user, standing_access=False)
        update_session_auth_hash(request, user)
        otp_login(request, device)
        request.session.pop(NO_DEVICE_SESSION_KEY, None)
        request.session.pop(ENROL_SESSION_KEY, None)
        request.session.pop(LINK_SENT_SESSION_KEY, None)
        messages.success(request, _("Two-step login is on."))
        return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes})
    label = quote(f"{ISSUER}:{user.get_username()}")
    uri = f"otpauth://totp/{label}?secret={_base32(device)}&issuer={quote(ISSUER)}&digits=6"
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(uri)),  # noqa: S308 - generated by qrcode, no user input
            "secret": _base32(device),
            "required": user.role in REQUIRED_ROLES,
        },
    )


@login_required
def enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the enrolment mail: opens the setup page in this session, once.

    Opening it rotates the user's session salt (tod.accounts.enrolment ties the link to it), so
    the link is used up and any other session opened with the password alone ends; this
    session's hash is renewed and it goes on to the setup page. Only a logged-in visit uses it
    up: a mail scanner that fetches the link is sent to the login page and changes nothing."""
    user = enrolment_user(token)
    if user is None:
        messages.error(
            request, _("This link has already been used or has expired. Please ask for a new one.")
        )
        return redirect("two_factor_setup")
    if user.pk != request.user.pk:
        messages.error(request, _("This link belongs to another account."))
        return redirect("home")
    user_end_all_sessions(user=request.user, standing_access=False)
    update_session_auth_hash(request, request.user)
    request.session[ENROL_SESSION_KEY] = request.user.pk
    return redirect("two_factor_setup")


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in."""
    if not user_has_device(request.user):
        return redirect("two_factor_setup")
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_safe_next(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@login_required
@require_POST
def new_backup_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("two_factor_verify")
    codes = backup_codes_issue(user=request.user)
    return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes})


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Supporters may turn two-step login off again; the roles that require it may not."""
    if request.user.role in REQUIRED_ROLES or request.user.is_superuser:
        messages.error(request, _("Your role requires two-step login."))
        return redirect("account_security")
    if not request.user.is_verified():
        return redirect("two_factor_verify")
    for device in devices_for_user(request.user, confirmed=None):
        device.delete()
    messages.success(request, _("Two-step login is off."))
    return redirect("account_security")


class TwoFactorMiddleware:
    """Send users who need a second step to set it up or to enter a code before anything else."""

    ALWAYS_ALLOWED = (
        "two_factor_setup",
        "two_factor_verify",
        "logout",
        "set_language",
        "healthz",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths: tuple[str, ...] | None = None

    def _allowed(self) -> tuple[str, ...]:
        if self._allowed_paths is None:
            self._allowed_paths = tuple(reverse(name) for name in self.ALWAYS_ALLOWED) + (
                settings.STATIC_URL
                if settings.STATIC_URL.startswith("/")
                else "/" + settings.STATIC_URL,
            )
        return self._allowed_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self._allowed())
            and is_required_for(request)
        ):
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)
