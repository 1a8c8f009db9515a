"""System checks of the outbox's channels (run by `manage.py check`, `migrate`, `runserver`).

A production that sends SMS to the log loses every SMS reminder without a sound and writes
phone numbers into the log: refused, unless OUTBOX_SMS_BACKEND names the logging backend in
the environment on purpose (an installation that sends no SMS at all). A gateway chosen without
its credentials is refused everywhere: it could only fail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .channels.sms import LOGGING_BACKEND

GATEWAYAPI = "tod.outbox.channels.gatewayapi.GatewayApiSmsBackend"
TWILIO = "tod.outbox.channels.twilio.TwilioSmsBackend"


@register(Tags.compatibility, deploy=False)
def check_sms_backend(app_configs=None, **kwargs) -> list:
    backend = settings.OUTBOX_SMS_BACKEND
    problems: list = []
    if (
        settings.PRODUCTION
        and backend in (LOGGING_BACKEND, "tod.outbox.channels.sms.LoggingSmsBackend")
        and not settings.OUTBOX_SMS_BACKEND_EXPLICIT
    ):
        problems.append(
            Error(
                "SMS reminders would only be written to the log (LoggingSmsBackend) while "
                "DJANGO_DEBUG is false.",
                hint="Set OUTBOX_SMS_BACKEND to a gateway, e.g. "
                f"{GATEWAYAPI} with GATEWAYAPI_TOKEN (docs/operations.md), or set "
                f"OUTBOX_SMS_BACKEND={LOGGING_BACKEND} explicitly if this installation "
                "sends no SMS.",
                id="outbox.E001",
            )
        )
    required = {
        GATEWAYAPI: ("GATEWAYAPI_TOKEN",),
        TWILIO: ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "OUTBOX_SMS_SENDER"),
    }.get(backend, ())
    for name in required:
        if not getattr(settings, name, ""):
            problems.append(
                Error(
                    f"OUTBOX_SMS_BACKEND is {backend}, but {name} is not set.",
                    hint="See docs/operations.md, 'SMS and e-mail providers'.",
                    id="outbox.E002",
                )
            )
    secret = {GATEWAYAPI: "GATEWAYAPI_WEBHOOK_SECRET"}.get(backend)
    if secret and not getattr(settings, secret, "") and settings.PRODUCTION:
        problems.append(
            Warning(
                f"{secret} is not set: every delivery receipt will be refused, and SMS "
                "reminders stay 'sent' on the outbox page.",
                id="outbox.W001",
            )
        )
    return problems
