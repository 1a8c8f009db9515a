"""Delivery receipts from the providers: signed webhooks, no login, no CSRF token.

Each view checks the provider's signature before it reads anything (forged or unsigned: 403,
nothing changes), records the receipt (tod/outbox/delivery.py: idempotent) and answers 200 even
for a message that is not ours: every provider here retries anything but a 2xx, and a receipt
for a row that no longer exists never will be ours.

- GatewayAPI: a JWT in X-Gwapi-Signature (HS256, GATEWAYAPI_WEBHOOK_SECRET).
- Twilio: X-Twilio-Signature (HMAC-SHA1 of the URL and parameters, TWILIO_AUTH_TOKEN).
- E-mail: the e-mail service's tracking webhook as django-anymail reads it (basic auth with
  EMAIL_WEBHOOK_SECRET, plus the service's own signature where it has one); anymail's
  `tracking` signal brings each event to `record_email_event`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .channels import gatewayapi, twilio
from .channels.receipts import DELIVERED, FAILED, Receipt
from .delivery import reminder_record_receipt
from .models import Channel

logger = logging.getLogger("tod.outbox")


def _refuse(provider: str, why: str) -> HttpResponse:
    logger.warning("%s webhook refused: %s", provider, why)
    return HttpResponseForbidden("signature missing or invalid")


@csrf_exempt
@require_POST
def gatewayapi_status(request: HttpRequest) -> HttpResponse:
    try:
        receipt = gatewayapi.read_notification(
            request.headers.get(gatewayapi.SIGNATURE_HEADER),
            secret=settings.GATEWAYAPI_WEBHOOK_SECRET,
        )
    except gatewayapi.InvalidSignature as exc:
        return _refuse("GatewayAPI", str(exc))
    reminder_record_receipt(channel=Channel.SMS, receipt=receipt)
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    # Twilio signs the URL it was given: the public address (SITE_URL), not the one a proxy
    # hands on to us.
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    given = request.headers.get(twilio.SIGNATURE_HEADER)
    if not twilio.is_signed(url, params, given, token=settings.TWILIO_AUTH_TOKEN):
        return _refuse("Twilio", "signature does not match")
    receipt = twilio.read_status(request.POST.dict(), reference=request.GET.get("reference", ""))
    reminder_record_receipt(channel=Channel.SMS, receipt=receipt)
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def email_tracking(request: HttpRequest) -> HttpResponse:
    """The tracking webhook of the e-mail service named by EMAIL_ESP, as anymail handles it."""
    from anymail.exceptions import AnymailWebhookValidationFailure

    view = _anymail_tracking_view()
    if view is None or not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        return _refuse("e-mail", "no EMAIL_ESP with an EMAIL_WEBHOOK_SECRET is configured")
    try:
        return view(request)
    except AnymailWebhookValidationFailure as exc:
        return _refuse("e-mail", str(exc))


def _anymail_tracking_view():
    from anymail import urls as anymail_urls

    name = f"{settings.EMAIL_ESP}_tracking_webhook"
    for pattern in anymail_urls.urlpatterns:
        if getattr(pattern, "name", None) == name:
            return pattern.callback
    return None


# Anymail's normalised event types: final ones move the row, "deferred" is on the way; opens,
# clicks and the like say nothing about delivery and are ignored.
EMAIL_OUTCOMES = {"delivered": DELIVERED, "bounced": FAILED, "rejected": FAILED, "failed": FAILED}


def record_email_event(sender, event, esp_name, **kwargs) -> None:
    """anymail's `tracking` signal: an e-mail service reported on a message."""
    if event.event_type not in EMAIL_OUTCOMES and event.event_type != "deferred":
        return
    reason = " ".join(
        str(part) for part in (event.reject_reason, event.description, event.mta_response) if part
    )
    metadata = event.metadata or {}
    receipt = Receipt(
        status=str(event.event_type),
        outcome=EMAIL_OUTCOMES.get(event.event_type),
        reference=str(metadata.get("reminder", "")),
        provider_id=str(event.message_id or ""),
        reason=f"{esp_name} {event.event_type}: {reason}".strip(),
        at=event.timestamp,
    )
    reminder_record_receipt(channel=Channel.EMAIL, receipt=receipt)
