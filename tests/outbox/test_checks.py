"""The system check: production refuses to start with SMS going to the log, unless
OUTBOX_SMS_BACKEND names the logging backend on purpose; a gateway needs its credentials."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOGGING = "tod.outbox.channels.LoggingSmsBackend"
GATEWAYAPI = "tod.outbox.channels.gatewayapi.GatewayApiSmsBackend"
SMS_VARIABLES = ("OUTBOX_SMS_BACKEND", "GATEWAYAPI_TOKEN", "GATEWAYAPI_WEBHOOK_SECRET")


def check(**values) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", *SMS_VARIABLES)}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY="k" * 20 + "a-production-like-secret-key-with-enough-entropy-123456",
        EVALUATION_PSEUDONYM_KEY="a-real-pseudonym-key-of-this-installation",
        ALLOWED_HOSTS="tod.example.org",
    )
    env.update(values)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_logging_sms_backend_by_default():
    result = check()
    assert result.returncode != 0
    assert "outbox.E001" in result.stderr and "LoggingSmsBackend" in result.stderr


def test_naming_the_logging_backend_explicitly_is_allowed():
    assert check(OUTBOX_SMS_BACKEND=LOGGING).returncode == 0


def test_a_gateway_without_its_token_is_refused_and_with_it_accepted():
    result = check(OUTBOX_SMS_BACKEND=GATEWAYAPI)
    assert result.returncode != 0 and "GATEWAYAPI_TOKEN is not set" in result.stderr
    configured = check(
        OUTBOX_SMS_BACKEND=GATEWAYAPI,
        GATEWAYAPI_TOKEN="a-token",
        GATEWAYAPI_WEBHOOK_SECRET="a-webhook-secret-of-at-least-32-characters",
    )
    assert configured.returncode == 0, configured.stderr
    assert "W001" not in configured.stdout + configured.stderr


def test_development_keeps_the_logging_backend_without_a_word():
    result = check(DJANGO_DEBUG="true")
    assert result.returncode == 0 and "outbox." not in result.stdout + result.stderr
