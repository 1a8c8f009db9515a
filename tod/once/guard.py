"""`once_per_submission`: the view decorator of tod.once (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

TOKEN_FIELD = "submission_token"
NOT_POSTED = ("csrfmiddlewaretoken", TOKEN_FIELD)


def _token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(TOKEN_FIELD, ""))
    except ValueError:
        return None


def _fingerprint(request: HttpRequest) -> str:
    """The posted data, in a stable order, less the tokens that change with every page."""
    digest = hashlib.sha256()
    for name in sorted(set(request.POST) - set(NOT_POSTED)):
        for value in request.POST.getlist(name):
            digest.update(f"{name}\x00{value}\x01".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}\x00{upload.name}\x00{upload.size}\x01".encode())
    return digest.hexdigest()


def _errors_queued(request: HttpRequest) -> int:
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return sum(1 for message in queued if message.level >= messages.ERROR)


def _already_saved(request: HttpRequest, claim) -> HttpResponse:
    messages.info(request, _("Already saved."))
    target = claim.redirect_to if claim is not None else ""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = request.get_full_path()
    return redirect(target)


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make a create view store a repeated post of the same form once (see tod.once)."""
    from .models import Submission

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = _token(request) if request.method == "POST" else None
        if token is None:
            return view(request, *args, **kwargs)
        user = request.user if request.user.is_authenticated else None
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                # The claim and the view's writes commit together or not at all. A concurrent
                # post of the same form blocks here on the unique index until this one ends.
                with transaction.atomic():
                    claim = Submission.objects.create(
                        token=token, fingerprint=fingerprint, user=user, path=request.path[:500]
                    )
            except IntegrityError:
                earlier = Submission.objects.filter(token=token, fingerprint=fingerprint).first()
                if earlier is not None and earlier.user_id != getattr(user, "pk", None):
                    earlier = None  # another account's token: say nothing about its target
                return _already_saved(request, earlier)
            errors_before = _errors_queued(request)
            response = view(request, *args, **kwargs)
            saved = response.status_code in (301, 302, 303) and (
                _errors_queued(request) == errors_before
            )
            if saved:
                claim.redirect_to = response["Location"][:500]
                claim.save(update_fields=["redirect_to"])
                Submission.objects.filter(
                    user=user, created_at__lt=timezone.now() - dt.timedelta(Submission.KEEP_DAYS)
                ).delete()
            else:
                claim.delete()  # nothing saved: the same form, corrected, may be sent again
        return response

    guarded.once_per_submission = True  # read by tests/security/test_repeated_posts.py
    return guarded
